// The remembered folders (File System Access API): pick one, then rescan or forget each.
import { useIndexingStore } from '../state/indexing-store';
import { useLibraryStore } from '../state/library-store';

/** Folders picked with the File System Access API: rescanned or forgotten on request. */
export function RememberedFolders() {
  const folders = useLibraryStore((s) => s.folders);
  const pickFolder = useIndexingStore((s) => s.pickFolder);
  const rescanFolder = useIndexingStore((s) => s.rescanFolder);
  const forgetFolder = useLibraryStore((s) => s.forgetFolder);

  return (
    <div className="folders">
      <button type="button" onClick={() => void pickFolder()}>
        Pick a folder to remember
      </button>
      {folders.length > 0 && (
        <ul className="folder-list" aria-label="Remembered folders">
          {folders.map((name) => (
            <li key={name} className="folder-row">
              <span className="folder-name" title={name}>
                {name}
              </span>
              <div className="row-actions">
                <button type="button" className="ghost" onClick={() => void rescanFolder(name)}>
                  Rescan<span className="visually-hidden"> {name}</span>
                </button>
                <button type="button" className="ghost" onClick={() => void forgetFolder(name)}>
                  Forget<span className="visually-hidden"> {name}</span>
                </button>
              </div>
            </li>
          ))}
        </ul>
      )}
    </div>
  );
}

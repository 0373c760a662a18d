// Notices about the library: the database closed under the page or its upgrade waiting on another
// tab, folders that need permission again to finish indexing, and dismissable notices.
import { plural } from '../engine/format';
import { useIndexingStore } from '../state/indexing-store';
import { useLibraryStore } from '../state/library-store';

/**
 * What happened to the library beyond a single run: another tab upgraded the database (reload),
 * this page's upgrade waits for another tab, queued photos wait for a folder's permission
 * ("Resume indexing"), the start-up check, a resumed run.
 */
export function LibraryNotices() {
  const closed = useLibraryStore((s) => s.closed);
  const blocked = useLibraryStore((s) => s.blocked);
  const permissionNeeded = useIndexingStore((s) => s.permissionNeeded);
  const notices = useLibraryStore((s) => s.notices);
  const resumeWithPermission = useIndexingStore((s) => s.resumeWithPermission);
  const discardQueue = useIndexingStore((s) => s.discardQueue);
  const dismissNotice = useLibraryStore((s) => s.dismissNotice);
  const waitingFiles = permissionNeeded.reduce((n, f) => n + f.files, 0);

  if (!closed && !blocked && !permissionNeeded.length && !notices.length) return null;
  return (
    <div className="library-notices">
      {closed && (
        <div className="error-banner" role="alert">
          <p>{closed}</p>
          <button type="button" onClick={() => location.reload()}>
            Reload
          </button>
        </div>
      )}
      {blocked && (
        <p className="notice" role="alert">
          Another tab of this app is still open with an older version of the photo library. Close or reload it to finish updating.
        </p>
      )}
      {permissionNeeded.length > 0 && (
        <div className="notice permission-notice" role="group" aria-label="Indexing waits for permission">
          <p>
            Indexing stopped with {plural(waitingFiles, 'photo')} left in {permissionNeeded.map((f) => `“${f.name}”`).join(', ')}: the browser needs your
            permission to read {permissionNeeded.length === 1 ? 'the folder' : 'the folders'} again.
          </p>
          <div className="row-actions">
            <button type="button" onClick={() => void resumeWithPermission()}>
              Resume indexing
            </button>
            <button type="button" className="ghost" onClick={() => void discardQueue()}>
              Discard
            </button>
          </div>
        </div>
      )}
      {notices.length > 0 && (
        // The live region wraps the list: a <ul> with role="status" loses its list semantics (axe: listitem, aria-allowed-role).
        <div role="status" aria-label="Library notices">
          <ul className="notice-list">
            {notices.map((n) => (
              <li key={n.id} className={n.tone === 'warning' ? 'notice' : 'muted'}>
                <span>{n.text}</span>{' '}
                <button type="button" className="ghost" onClick={() => dismissNotice(n.id)}>
                  Dismiss<span className="visually-hidden"> notice</span>
                </button>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  );
}

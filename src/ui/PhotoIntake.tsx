// The Photos panel: a drop zone, file and folder inputs, the library's counts and remembered folders.
import { useState, type ChangeEvent, type DragEvent } from 'react';
import { plural } from '../engine/format';
import { canPickFolders, useIndexingStore } from '../state/indexing-store';
import { useLibraryStore } from '../state/library-store';
import { useModelStore } from '../state/model-store';
import { RememberedFolders } from './RememberedFolders';

/** Sets the non-standard `webkitdirectory` attribute, which React's types do not know. */
function folderInput(el: HTMLInputElement | null): void {
  el?.setAttribute('webkitdirectory', '');
}

/** Where photos come in: drop zone, file and folder inputs, remembered folders. */
export function PhotoIntake() {
  const fileCount = useLibraryStore((s) => s.files.length);
  const embeddedCount = useLibraryStore((s) => s.embedded.size);
  const waiting = useIndexingStore((s) => s.queued);
  const addFileList = useIndexingStore((s) => s.addFileList);
  const addDataTransfer = useIndexingStore((s) => s.addDataTransfer);
  const hasModel = useModelStore((s) => s.active !== null);
  const [over, setOver] = useState(false);

  function onInput(e: ChangeEvent<HTMLInputElement>): void {
    const input = e.currentTarget;
    // The store reads the list synchronously, so the input can be reset for the next pick at once.
    if (input.files?.length) void addFileList(input.files);
    input.value = '';
  }
  function onDragOver(e: DragEvent): void {
    e.preventDefault();
    e.dataTransfer.dropEffect = 'copy';
    setOver(true);
  }
  function onDrop(e: DragEvent): void {
    e.preventDefault();
    setOver(false);
    void addDataTransfer(e.dataTransfer);
  }

  return (
    <section className="panel" aria-labelledby="photos-heading">
      <h2 id="photos-heading">Photos</h2>
      <div className={`dropzone${over ? ' over' : ''}`} onDragOver={onDragOver} onDragLeave={() => setOver(false)} onDrop={onDrop}>
        <p className="dropzone-text">Drop photos, videos or folders here</p>
        <div className="dropzone-actions">
          <label className="button file-button">
            Add photos
            <input type="file" className="visually-hidden" multiple accept="image/*,video/*,.heic,.heif,.mov,.mkv" onChange={onInput} />
          </label>
          <label className="button file-button">
            Add folder
            <input type="file" className="visually-hidden" multiple ref={folderInput} onChange={onInput} />
          </label>
        </div>
      </div>
      {fileCount > 0 && (
        <p className="muted">
          {plural(fileCount, 'file')} in the library{hasModel && `, ${plural(embeddedCount, 'photo')} indexed for this model`}.
        </p>
      )}
      {waiting > 0 && (
        <p className="notice">
          {plural(waiting, 'photo')} {waiting === 1 ? 'waits' : 'wait'} for a model
          {hasModel ? ' (indexing starts when the model has loaded).' : ': load a model to index them.'}
        </p>
      )}
      {canPickFolders && <RememberedFolders />}
    </section>
  );
}

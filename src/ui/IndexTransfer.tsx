// The Index file panel: export the loaded model's index or import one; progress, status and errors.
import type { ChangeEvent } from 'react';
import { INDEX_EXTENSION } from '../engine/index-file/types';
import { useModelStore } from '../state/model-store';
import { useTransferStore } from '../state/transfer-store';

/** Export the loaded model's index to a file, or import one (from another browser, or `npm run index`). */
export function IndexTransfer() {
  const hasModel = useModelStore((s) => s.active !== null);
  const busy = useTransferStore((s) => s.busy);
  const progress = useTransferStore((s) => s.progress);
  const status = useTransferStore((s) => s.status);
  const error = useTransferStore((s) => s.error);
  const exportIndex = useTransferStore((s) => s.exportIndex);
  const importIndex = useTransferStore((s) => s.importIndex);
  const dismissError = useTransferStore((s) => s.dismissError);
  const disabled = !hasModel || busy !== null;

  function onChange(e: ChangeEvent<HTMLInputElement>): void {
    const input = e.currentTarget;
    const file = input.files?.[0];
    input.value = '';
    if (file) void importIndex(file);
  }

  return (
    <section className="panel" aria-labelledby="index-file-heading">
      <h2 id="index-file-heading">Index file</h2>
      <p id="index-file-hint" className="hint">
        {hasModel
          ? `Move this model's index to another browser, or import one made on another computer (${INDEX_EXTENSION} files).`
          : 'Load a model to export or import its index.'}
      </p>
      <div className="row-actions index-file-actions">
        <button type="button" disabled={disabled} onClick={() => void exportIndex()}>
          {busy === 'export' ? 'Exporting…' : 'Export index'}
        </button>
        <label className={`button file-button${disabled ? ' disabled' : ''}`}>
          Import index
          <input type="file" className="visually-hidden" accept={INDEX_EXTENSION} disabled={disabled} onChange={onChange} aria-describedby="index-file-hint" />
        </label>
      </div>
      {busy === 'import' && progress && (
        <div className="task">
          <progress aria-label="Importing the index" value={progress.done} max={Math.max(1, progress.total)} />
          <p className="task-detail">
            {progress.done} of {progress.total} photos
          </p>
        </div>
      )}
      <p role="status" className="muted" aria-label="Index file status">
        {status ?? ''}
      </p>
      {error && (
        <div role="alert" className="index-file-error">
          <p className="error-text">{error}</p>
          <button type="button" className="ghost" onClick={dismissError}>
            Dismiss<span className="visually-hidden"> index file error</span>
          </button>
        </div>
      )}
    </section>
  );
}

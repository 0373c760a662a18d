// The model Import control: one file input for a checkpoint and its merges file, or a bundle's files.
import type { ChangeEvent } from 'react';
import { useModelStore } from '../state/model-store';

/** One file input for a checkpoint plus its merges file, or all files of a converted bundle. */
export function ModelImport() {
  // A download does not block an import (importing cancels it); a conversion or a load does.
  const busy = useModelStore((s) => s.task !== null && s.task.phase !== 'download');
  const importFiles = useModelStore((s) => s.importFiles);
  const pending = useModelStore((s) => s.importPending);
  const clearImport = useModelStore((s) => s.clearImport);

  function onChange(e: ChangeEvent<HTMLInputElement>): void {
    const input = e.currentTarget;
    const files = input.files ? Array.from(input.files) : [];
    input.value = '';
    if (files.length) void importFiles(files);
  }

  return (
    <div className="model-group">
      <h3>Import</h3>
      <label className={`button file-button${busy ? ' disabled' : ''}`}>
        Import model
        <input type="file" className="visually-hidden" multiple disabled={busy} onChange={onChange} aria-describedby="import-hint" />
      </label>
      <p id="import-hint" className="hint">
        Choose a checkpoint (.pt or .safetensors) and its merges file (bpe_simple_vocab_16e6.txt.gz), together or one after the other, or all files of a
        converted bundle (manifest.json and the .onnx files).
      </p>
      <div role="status" aria-label="Import status">
        {pending && (
          <p className="notice">
            Got {pending.files.map((f) => f.name).join(', ')}: {pending.need}.{' '}
            <button type="button" className="ghost" onClick={clearImport}>
              Clear<span className="visually-hidden"> the import</span>
            </button>
          </p>
        )}
      </div>
    </div>
  );
}

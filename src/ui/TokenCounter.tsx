// The token counter under the query: "n / 248", with a note when the text is cut and in CLIP view.
import { useModelStore } from '../state/model-store';
import { contextLength, useSearchStore } from '../state/search-store';

/** "n / 248" with a warning when the text is longer than what the model reads. */
export function TokenCounter() {
  const tokenCount = useSearchStore((s) => s.tokenCount);
  // An empty box counts only the start and end tokens ("2 / 248"): no count until there is text.
  const empty = useSearchStore((s) => s.text.trim() === '');
  const clipView = useSearchStore((s) => s.clipView);
  // contextLength() reads the active model; subscribing to it re-renders when the model changes.
  useModelStore((s) => s.active?.manifest.contextLength);
  const full = contextLength(false);
  const clip = contextLength(true);
  const over = tokenCount !== null && tokenCount > full;

  return (
    <div id="token-counter" className="token-counter">
      {!empty && (
        <>
          <span className={`token-count${over ? ' over' : ''}`}>
            {tokenCount ?? '—'} / {full}
          </span>
          <span className="visually-hidden"> tokens.</span>
        </>
      )}
      <span aria-live="polite" className="token-notes">
        {over && <span className="warn">The text will be cut after {full} tokens.</span>}
        {clipView && (
          <span className="note">
            CLIP view: only the first {clip} tokens are read{tokenCount !== null && tokenCount > clip ? ', the rest is ignored' : ''}.
          </span>
        )}
      </span>
    </div>
  );
}

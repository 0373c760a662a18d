// The "Advanced query" disclosure: the field for weighted text and photo terms, its syntax hint,
// and what is wrong with the query or cut from it.
import { useEffect, useState } from 'react';
import { useSearchStore } from '../state/search-store';

/** The "Advanced query" disclosure: weighted text and photo terms (src/engine/query/query-language.ts). */
export function AdvancedQuery() {
  const advanced = useSearchStore((s) => s.advanced);
  const setAdvanced = useSearchStore((s) => s.setAdvanced);
  const problem = useSearchStore((s) => s.advancedError);
  const warning = useSearchStore((s) => s.advancedWarning);
  const withDescription = useSearchStore((s) => s.text.trim() !== '' && s.advanced.trim() !== '');
  const sentenceMode = useSearchStore((s) => s.sentenceMode);
  const [open, setOpen] = useState(advanced.trim() !== '');

  // Text put here from elsewhere (the viewer's example buttons) opens it.
  useEffect(() => {
    if (advanced.trim()) setOpen(true);
  }, [advanced]);

  return (
    <details className="advanced-query" open={open} onToggle={(e) => setOpen(e.currentTarget.open)}>
      <summary id="advanced-query-label">Advanced query</summary>
      <input
        id="advanced-query"
        type="text"
        className="advanced-query-text"
        value={advanced}
        onChange={(e) => setAdvanced(e.currentTarget.value)}
        aria-labelledby="advanced-query-label"
        aria-describedby="advanced-query-hint advanced-query-error"
        aria-invalid={problem !== null}
        spellCheck={false}
        autoComplete="off"
      />
      <p id="advanced-query-hint" className="hint">
        Terms in double quotes, each with an optional sign and weight: <code>"a red car" -"people" 2:"at night" -photo:"IMG_0001.jpg"</code>.
        {withDescription && (
          <>
            {' '}
            The description above counts as one more term of weight 1{sentenceMode ? '; sentence-aware scoring applies only to a description on its own.' : '.'}
          </>
        )}
      </p>
      <div id="advanced-query-error">
        {problem && (
          <p className="error-text" role="alert">
            {problem.message} At column {problem.column}: <code>{problem.excerpt}</code>
          </p>
        )}
        {!problem && warning && (
          <p className="term-warning" role="status">
            {warning}
          </p>
        )}
      </div>
    </details>
  );
}

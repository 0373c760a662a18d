// The skipped files: how many for each reason, then each file with its reason, 500 at a time.
import { useMemo, useState } from 'react';
import { useLibraryStore } from '../state/library-store';
import { skippedByReason, uniqueSkipped } from './describe';

/** Skipped files listed at first, and added by each "Show more" (a folder of thousands stays quick). */
const PAGE = 500;

/** Files that were not indexed, and why: how many for each reason, then each file. */
export function SkippedList() {
  const raw = useLibraryStore((s) => s.skipped);
  const skipped = useMemo(() => uniqueSkipped(raw), [raw]);
  const reasons = useMemo(() => skippedByReason(skipped), [skipped]);
  const [limit, setLimit] = useState(PAGE);
  if (!skipped.length) return null;

  const shown = skipped.slice(0, limit);
  const rest = skipped.length - shown.length;
  return (
    <details className="panel skipped">
      <summary>
        {skipped.length} skipped {skipped.length === 1 ? 'file' : 'files'}
      </summary>
      {reasons.length > 1 && (
        <ul className="skipped-reasons" aria-label="Skipped, by reason">
          {reasons.map((r) => (
            <li key={r.reason}>
              <span className="skipped-count">{r.count}</span> <span className="skipped-reason">{r.reason}</span>
            </li>
          ))}
        </ul>
      )}
      <ul className="skipped-list" aria-label="Skipped files">
        {shown.map((s) => (
          <li key={s.path}>
            <span className="skipped-path">{s.path}</span> <span className="skipped-reason">{s.reason}</span>
          </li>
        ))}
      </ul>
      {rest > 0 && (
        <p className="skipped-more">
          <button type="button" className="ghost" onClick={() => setLimit((n) => n + PAGE)}>
            Show {Math.min(PAGE, rest)} more
          </button>{' '}
          <span className="muted">of {rest} not listed</span>
        </p>
      )}
    </details>
  );
}

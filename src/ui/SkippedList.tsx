import { useLibraryStore } from '../state/library-store';

/** How many skipped files are listed; the rest are counted. */
const SHOWN = 500;

/** Files that were not indexed, and why. */
export function SkippedList() {
  const skipped = useLibraryStore((s) => s.skipped);
  if (!skipped.length) return null;

  const shown = skipped.slice(0, SHOWN);
  return (
    <details className="panel skipped">
      <summary>
        {skipped.length} skipped {skipped.length === 1 ? 'file' : 'files'}
      </summary>
      <ul className="skipped-list">
        {shown.map((s, i) => (
          <li key={`${s.path}#${i}`}>
            <span className="skipped-path">{s.path}</span> <span className="skipped-reason">{s.reason}</span>
          </li>
        ))}
      </ul>
      {skipped.length > SHOWN && <p className="muted">…and {skipped.length - SHOWN} more.</p>}
    </details>
  );
}

// The Indexing panel: progress with pause and cancel, then what the run did.
import { useIndexingStore } from '../state/indexing-store';
import { useLibraryStore } from '../state/library-store';
import { indexedMessage, indexingDetail } from './describe';

/** The indexing run: progress with pause and cancel, then what it did. */
export function IndexingProgress() {
  const indexing = useIndexingStore((s) => s.indexing);
  const lastRun = useIndexingStore((s) => s.lastRun);
  const indexed = useLibraryStore((s) => s.stats.indexedFiles);
  const videos = useLibraryStore((s) => s.stats.indexedVideoFiles);
  const pause = useIndexingStore((s) => s.pause);
  const resume = useIndexingStore((s) => s.resume);
  const cancel = useIndexingStore((s) => s.cancel);
  const label = indexing && indexing.label && indexing.label !== 'Indexing' ? indexing.label : null;

  return (
    <section className="panel" aria-labelledby="indexing-heading" hidden={!indexing && !lastRun}>
      <div className="task-head">
        <h2 id="indexing-heading">
          Indexing
          {indexing?.paused && (
            <>
              {' '}
              <span className="badge paused">Paused</span>
            </>
          )}
        </h2>
        {indexing && (
          <div className="row-actions">
            {indexing.paused ? (
              <button type="button" onClick={resume}>
                Resume
              </button>
            ) : (
              <button type="button" onClick={pause}>
                Pause
              </button>
            )}
            <button type="button" className="ghost" onClick={cancel}>
              Cancel<span className="visually-hidden"> indexing</span>
            </button>
          </div>
        )}
      </div>
      {indexing && (
        <div className="task">
          {label && <span className="task-label">{label}</span>}
          <progress aria-label="Indexing" value={indexing.done} max={Math.max(1, indexing.total)} />
          <p className="task-detail">{indexingDetail(indexing)}</p>
          {indexing.detail && <p className="task-detail">{indexing.detail}</p>}
        </div>
      )}
      <p role="status" className="run-summary">
        {!indexing && lastRun ? indexedMessage({ indexed, videos, newlyEmbedded: lastRun.newlyEmbedded }) : ''}
      </p>
    </section>
  );
}

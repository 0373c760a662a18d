// The Duplicates view in place of the results: the threshold, the comparison with Stop, and the
// groups of similar photos and identical files.
import type { ReactElement } from 'react';
import { duplicatesSummary } from '../state/duplicate-groups';
import { useDuplicatesStore } from '../state/duplicates-store';
import { plural } from '../engine/format';
import { useModelStore } from '../state/model-store';
import { useViewerStore } from '../state/viewer-store';
import { taskDetail } from './describe';
import { DuplicateGroupRow } from './DuplicateGroupRow';
import { DuplicateThreshold } from './DuplicateThreshold';
import { useDuplicateGroups } from './useDuplicateGroups';

const MAX_FILES_SHOWN = 400;

/** In place of the results: groups of photos whose embeddings are nearly identical, and files that are the same photo. */
export function DuplicatesView() {
  const hasModel = useModelStore((s) => s.active !== null);
  const modelBusy = useModelStore((s) => s.task !== null);
  const running = useDuplicatesStore((s) => s.running);
  const result = useDuplicatesStore((s) => s.result);
  const stopped = useDuplicatesStore((s) => s.stopped);
  const error = useDuplicatesStore((s) => s.error);
  const closeView = useDuplicatesStore((s) => s.closeView);
  const cancel = useDuplicatesStore((s) => s.cancel);
  const compare = useDuplicatesStore((s) => s.compare);
  const openViewer = useViewerStore((s) => s.open);
  const list = useDuplicateGroups();
  const groups = list?.groups ?? [];

  // Not virtualised: at most MAX_FILES_SHOWN thumbnails (a low threshold on a large library makes huge groups).
  let firstIndex = 0;
  let budget = MAX_FILES_SHOWN;
  const rows: ReactElement[] = [];
  for (const group of groups) {
    if (budget === 0) break;
    rows.push(<DuplicateGroupRow key={group.key} group={group} first={firstIndex} limit={budget} onOpen={openViewer} />);
    firstIndex += group.files;
    budget -= Math.min(budget, group.files);
  }
  const groupsLeft = groups.length - rows.length;

  return (
    <section className="results duplicates" aria-labelledby="duplicates-heading">
      <div className="results-head">
        <h2 id="duplicates-heading">Duplicates</h2>
        <span className="results-count" role="status">
          {hasModel && result ? duplicatesSummary(groups) : ''}
        </span>
        <span className="searching" aria-live="polite">
          {running && (
            <>
              <span className="spinner" aria-hidden="true" /> Comparing… {taskDetail(running)}
            </>
          )}
        </span>
        <button type="button" className="ghost" onClick={closeView}>
          Back to results
        </button>
      </div>
      {!hasModel ? (
        <p className="empty">
          {modelBusy
            ? 'The model is getting ready: duplicates are found by comparing its embeddings of your photos once it is loaded.'
            : 'Load a model in the Model panel to find duplicates: photos are compared by their embeddings under the loaded model.'}
        </p>
      ) : (
        <>
          <div className="dup-controls">
            <DuplicateThreshold />
            {running && (
              <button type="button" className="ghost" onClick={cancel}>
                Stop<span className="visually-hidden"> finding duplicates</span>
              </button>
            )}
          </div>
          <p className="hint">
            {result ? `Compared the ${plural(result.compared, 'photo')} indexed for this model. ` : ''}
            Photos are grouped when their embeddings are at least this similar (cosine); 1.00 leaves only identical files.
          </p>
          {error && (
            <p className="error-text" role="alert">
              {error}{' '}
              <button type="button" className="ghost" onClick={compare}>
                Try again
              </button>
            </p>
          )}
          {stopped && !running && (
            <p className="hint">
              Stopped{result ? `: the groups shown are for similarity at least ${result.threshold.toFixed(2)}` : ''}.{' '}
              <button type="button" className="ghost" onClick={compare}>
                Compare again
              </button>
            </p>
          )}
          {result && groups.length === 0 ? (
            <p className="empty">No duplicates at this threshold.</p>
          ) : (
            <ol className="dup-groups" aria-label="Duplicate groups">
              {rows}
            </ol>
          )}
          {groupsLeft > 0 && <p className="hint">{plural(groupsLeft, 'more group')} not shown: raise the threshold for fewer, closer groups.</p>}
        </>
      )}
    </section>
  );
}

// What the grid says when the minimum score or the filters hide everything: which, and the way back.
import { useRefineStore } from '../state/refine-store';
import type { ShownList } from './useShownItems';

interface Props {
  hiddenAll: NonNullable<ShownList['hiddenAll']>;
  total: number;
  querying: boolean;
}

/** Nothing to show because of the minimum score or the filters: says which, with the way back. */
export function RefineEmpty({ hiddenAll, total, querying }: Props) {
  const setMinScoreOn = useRefineStore((s) => s.setMinScoreOn);
  const clearFilters = useRefineStore((s) => s.clearFilters);

  if (hiddenAll.by === 'score') {
    return (
      <div className="empty refine-empty">
        <p>
          No good match: the best photo scores {hiddenAll.best.toFixed(3)}, below your minimum of {hiddenAll.min.toFixed(3)}.
        </p>
        <button type="button" onClick={() => setMinScoreOn(false)}>
          Show the closest matches anyway
        </button>
      </div>
    );
  }
  const what = querying ? 'result' : 'photo';
  return (
    <div className="empty refine-empty">
      <p>No photos match these filters (they hide {total === 1 ? `the only ${what}` : `all ${total} ${what}s`}).</p>
      <button type="button" onClick={clearFilters}>
        Clear filters
      </button>
    </div>
  );
}

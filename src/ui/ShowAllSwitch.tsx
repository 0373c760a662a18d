// The default cut between matches and the rest of the library, and the switch that shows everything.
import { MATCH_RELEVANCE } from '../engine/query/relevance';
import { useSearchStore } from '../state/search-store';

/** "Show all photos": off, only the photos that stand out for the query are shown. */
export function ShowAllSwitch() {
  const showAll = useSearchStore((s) => s.showAll);
  const setShowAll = useSearchStore((s) => s.setShowAll);
  return (
    <div className="show-all">
      <label className="switch">
        <input type="checkbox" role="switch" checked={showAll} onChange={(e) => setShowAll(e.currentTarget.checked)} aria-describedby="show-all-hint" />
        <span className="switch-track" aria-hidden="true" />
        Show all photos
      </label>
      <span id="show-all-hint" className="hint">
        {showAll ? 'Your whole library, best match first.' : `Only the photos that stand out for this description (${MATCH_RELEVANCE} σ above the rest).`}
      </span>
    </div>
  );
}

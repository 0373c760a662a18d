// The Results (or Library) section: heading and count, the sort and filter toolbar, and the photo
// grid or why it is empty.
import { useIndexingStore } from '../state/indexing-store';
import { useLibraryStore } from '../state/library-store';
import { useModelStore } from '../state/model-store';
import { shownCount } from '../state/refine';
import { useSearchStore } from '../state/search-store';
import { matchesHeading } from './describe';
import { AlbumsButton } from './AlbumsButton';
import { FindDuplicatesButton } from './FindDuplicatesButton';
import { ShowAllSwitch } from './ShowAllSwitch';
import { PhotoGrid } from './PhotoGrid';
import { RefineEmpty } from './RefineEmpty';
import { ResultsToolbar } from './ResultsToolbar';
import { useShownItems } from './useShownItems';

const waiting = (n: number) => (n === 1 ? '1 photo is waiting' : `${n} photos are waiting`);

/** The results of the query in rank order, or the library to browse while there is no query. */
export function ResultsGrid() {
  const { items, querying, shown, total, matchesOnly, hiddenAll, more } = useShownItems();
  const matches = useSearchStore((s) => s.matches);
  const rankedCount = useSearchStore((s) => s.rankedCount);
  const loadMore = useSearchStore((s) => s.loadMore);
  const hasModel = useModelStore((s) => s.active !== null);
  const modelBusy = useModelStore((s) => s.task !== null);
  const fileCount = useLibraryStore((s) => s.files.length);
  const indexing = useIndexingStore((s) => s.indexing !== null);
  const queued = useIndexingStore((s) => s.queued);
  const searching = useSearchStore((s) => s.searching);
  const stale = useSearchStore((s) => s.stale);
  // The changed query cannot run (a syntax error, a failed search): the earlier results stay, said so.
  const blocked = useSearchStore((s) => s.advancedError !== null || s.error !== null);
  const text = useSearchStore((s) => s.text);
  const photoQuery = useSearchStore((s) => s.photoQuery);
  const advanced = useSearchStore((s) => s.advanced);
  const clipView = useSearchStore((s) => s.clipView);

  const title = querying ? 'Results' : 'Library';
  let empty: string | null = null;
  if (!hasModel && queued > 0) {
    // Photos were added before any model: say that they wait, and for what.
    empty = modelBusy
      ? `${waiting(queued)} for the model that is getting ready; indexing starts as soon as it is loaded.`
      : `${waiting(queued)} for a model: download one in the Model panel (or import one) to index them.`;
  } else if (!hasModel && fileCount === 0) {
    empty = modelBusy
      ? 'The model is getting ready. Meanwhile, add photos: drop them on the Photos panel or use Add photos.'
      : 'To begin, download a model in the Model panel (or import one), then add your photos.';
  } else if (fileCount === 0 && indexing) {
    empty = 'Indexing your photos: they appear here when this run ends.';
  } else if (fileCount === 0) {
    empty = 'No photos yet. Drop photos or a folder on the Photos panel, or use Add photos or Add folder.';
  } else if (querying && !hasModel) {
    empty = modelBusy ? 'The model is getting ready; the search runs as soon as it is loaded.' : 'Load a model in the Model panel to search your photos.';
  } else if (querying && !searching && !stale && (matchesOnly ? matches === 0 && rankedCount > 0 : total === 0)) {
    empty = indexing
      ? 'No matches yet: results appear as photos are indexed.'
      : matchesOnly
        ? 'No photo stands out for this description. Describe it differently, or turn on Show all photos to see the whole library ranked anyway.'
        : 'No photos match. Try describing the photo differently.';
  }
  // With Show all, the file counts below say it ("3 of 43 results"); the matches are counted by the worker.
  const count = querying && matchesOnly && rankedCount > 0 ? matchesHeading(matches, rankedCount) : null;

  return (
    <section className="results" aria-labelledby="results-heading">
      <div className="results-head">
        <h2 id="results-heading">{title}</h2>
        <span className="results-count">{count ?? (items.length > 0 && shownCount(shown, total, querying ? 'result' : 'photo'))}</span>
        <span className="searching" aria-live="polite">
          {blocked && stale && items.length > 0 ? (
            "Showing the previous query's results"
          ) : searching || stale ? (
            <>
              <span className="spinner" aria-hidden="true" /> {stale && items.length > 0 ? 'Updating for the changed query…' : 'Searching…'}
            </>
          ) : null}
        </span>
        {fileCount > 0 && <AlbumsButton />}
        {fileCount > 0 && <FindDuplicatesButton />}
      </div>
      {!querying && fileCount > 0 && (
        <p className="hint">{hasModel ? 'Describe a photo above to rank your library.' : 'Load a model to search these photos.'}</p>
      )}
      {querying && hasModel && fileCount > 0 && <ShowAllSwitch />}
      {fileCount > 0 && <ResultsToolbar querying={querying} hiddenAll={hiddenAll !== null} />}
      {empty ? (
        <p className="empty">{empty}</p>
      ) : hiddenAll ? (
        <RefineEmpty hiddenAll={hiddenAll} total={total} querying={querying} />
      ) : (
        <PhotoGrid
          items={items}
          label={title}
          resetKey={`${photoQuery ?? ''}|${text}|${advanced}|${clipView}`}
          onNearEnd={more ? loadMore : undefined}
          stale={stale && querying}
        />
      )}
    </section>
  );
}

import { plural } from '../state/format';
import { useLibraryStore } from '../state/library-store';
import { useModelStore } from '../state/model-store';
import { useSearchStore } from '../state/search-store';
import { PhotoGrid } from './PhotoGrid';
import { useShownItems } from './useShownItems';

/** The results of the query in rank order, or the library to browse while there is no query. */
export function ResultsGrid() {
  const { items, querying } = useShownItems();
  const hasModel = useModelStore((s) => s.active !== null);
  const modelBusy = useModelStore((s) => s.task !== null);
  const fileCount = useLibraryStore((s) => s.files.length);
  const indexing = useLibraryStore((s) => s.indexing !== null);
  const searching = useSearchStore((s) => s.searching);
  const text = useSearchStore((s) => s.text);
  const photoQuery = useSearchStore((s) => s.photoQuery);
  const clipView = useSearchStore((s) => s.clipView);

  const title = querying ? 'Results' : 'Library';
  let empty: string | null = null;
  if (!hasModel && fileCount === 0) {
    empty = modelBusy
      ? 'The model is getting ready. Meanwhile, add photos: drop them on the Photos panel or use Add photos.'
      : 'To begin, download a model in the Model panel (or import one), then add your photos.';
  } else if (fileCount === 0 && indexing) {
    empty = 'Indexing your photos: they appear here when this run ends.';
  } else if (fileCount === 0) {
    empty = 'No photos yet. Drop photos or a folder on the Photos panel, or use Add photos or Add folder.';
  } else if (querying && !hasModel) {
    empty = modelBusy ? 'The model is getting ready; the search runs as soon as it is loaded.' : 'Load a model in the Model panel to search your photos.';
  } else if (querying && items.length === 0 && !searching) {
    empty = indexing ? 'No matches yet: results appear as photos are indexed.' : 'No photos match. Try describing the photo differently.';
  }

  return (
    <section className="results" aria-labelledby="results-heading">
      <div className="results-head">
        <h2 id="results-heading">{title}</h2>
        <span className="results-count">{items.length > 0 && plural(items.length, querying ? 'result' : 'photo')}</span>
        <span className="searching" aria-live="polite">
          {searching && (
            <>
              <span className="spinner" aria-hidden="true" /> Searching…
            </>
          )}
        </span>
      </div>
      {!querying && fileCount > 0 && (
        <p className="hint">{hasModel ? 'Describe a photo above to rank your library.' : 'Load a model to search these photos.'}</p>
      )}
      {empty ? (
        <p className="empty">{empty}</p>
      ) : (
        <PhotoGrid items={items} label={title} resetKey={`${photoQuery ?? ''}|${text}|${clipView}`} />
      )}
    </section>
  );
}

// The Albums view in place of the results: the categories editor, saved lists, the albums with
// their covers and counts, the CSV export, and the album chosen, browsed in the photo grid.
import { plural } from '../engine/format';
import { useAlbumsStore } from '../state/albums-store';
import { useModelStore } from '../state/model-store';
import { AlbumList } from './AlbumList';
import { AlbumsEditor } from './AlbumsEditor';
import { AlbumsSaved } from './AlbumsSaved';
import { PhotoGrid } from './PhotoGrid';
import { useAlbumItems } from './useAlbumItems';

/** Downloads the albums as albums.csv (path,label,score). */
function exportCsv(csv: string): void {
  const url = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }));
  const a = document.createElement('a');
  a.href = url;
  a.download = 'albums.csv';
  a.click();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/** In place of the results: photos sorted into the categories the user names. */
export function AlbumsView() {
  const hasModel = useModelStore((s) => s.active !== null);
  const modelBusy = useModelStore((s) => s.task !== null);
  const closeView = useAlbumsStore((s) => s.closeView);
  const sorting = useAlbumsStore((s) => s.sorting);
  const error = useAlbumsStore((s) => s.error);
  const sorted = useAlbumsStore((s) => s.photos.size);
  const hasGroups = useAlbumsStore((s) => s.groups.length > 0);
  const browsing = useAlbumsStore((s) => s.browsing);
  const csv = useAlbumsStore((s) => s.csv);
  const items = useAlbumItems();

  return (
    <section className="results albums" aria-labelledby="albums-heading">
      <div className="results-head">
        <h2 id="albums-heading">Albums</h2>
        <span className="results-count" role="status">
          {hasGroups ? `${plural(sorted, 'photo')} sorted` : ''}
        </span>
        <span className="searching" aria-live="polite">
          {sorting && (
            <>
              <span className="spinner" aria-hidden="true" /> Sorting…
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
            ? 'The model is getting ready: photos are sorted into albums by its embeddings once it is loaded.'
            : 'Load a model in the Model panel to sort your photos into albums.'}
        </p>
      ) : (
        <>
          <AlbumsEditor />
          <AlbumsSaved />
          {error && (
            <p className="error-text" role="alert">
              {error}
            </p>
          )}
          {hasGroups && (
            <>
              <AlbumList />
              <button
                type="button"
                className="ghost"
                onClick={() => {
                  const text = csv();
                  if (text) exportCsv(text);
                }}
              >
                Export CSV
              </button>
            </>
          )}
          {browsing !== null && items && (
            <>
              <h3 className="album-heading">{browsing}</h3>
              <PhotoGrid items={items} label="Album photos" resetKey={browsing} />
            </>
          )}
        </>
      )}
    </section>
  );
}

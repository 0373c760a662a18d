// The albums as a list of buttons: cover, name and count; the one browsed is pressed.
import { useAlbumsStore } from '../state/albums-store';
import { Thumbnail } from './Thumbnail';

/** Every album with its cover and count ("navy 7"); clicking one browses it. */
export function AlbumList() {
  const groups = useAlbumsStore((s) => s.groups);
  const browsing = useAlbumsStore((s) => s.browsing);
  const browse = useAlbumsStore((s) => s.browse);
  return (
    <ul className="album-list" aria-label="Albums">
      {groups.map((g) => (
        <li key={g.name}>
          <button
            type="button"
            className="album"
            aria-pressed={browsing === g.name}
            disabled={g.photos.length === 0}
            onClick={() => browse(browsing === g.name ? null : g.name)}
          >
            {g.cover ? <Thumbnail hash={g.cover} className="album-cover" /> : <span className="album-cover placeholder" aria-hidden="true" />}
            <span className="album-name">{g.name}</span> <span className="album-count">{g.photos.length}</span>
          </button>
        </li>
      ))}
    </ul>
  );
}

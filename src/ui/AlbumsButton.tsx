// The "Albums" button beside the results heading, which opens the albums view in their place.
import { useAlbumsStore } from '../state/albums-store';
import { useDuplicatesStore } from '../state/duplicates-store';

/** Opens the albums view in place of the results. */
export function AlbumsButton() {
  const openView = useAlbumsStore((s) => s.openView);
  const closeDuplicates = useDuplicatesStore((s) => s.closeView);
  return (
    <button
      type="button"
      className="ghost open-albums"
      onClick={() => {
        closeDuplicates();
        openView();
      }}
    >
      Albums
    </button>
  );
}

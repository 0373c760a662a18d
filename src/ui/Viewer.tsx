// The full-size viewer for the item the viewer store points at, in the results, the duplicates view or an album.
import { useEffect } from 'react';
import { useViewerStore } from '../state/viewer-store';
import { useDuplicateGroups } from './useDuplicateGroups';
import { useAlbumItems } from './useAlbumItems';
import { useShownItems } from './useShownItems';
import { ViewerDialog } from './ViewerDialog';

/** The full-size viewer over the grid, for the item the viewer store points at. */
export function Viewer() {
  const index = useViewerStore((s) => s.index);
  const close = useViewerStore((s) => s.close);
  const shown = useShownItems();
  // While the duplicates view is open, or an album is browsed, the viewer steps through its files.
  const album = useAlbumItems();
  const items = useDuplicateGroups()?.items ?? album ?? shown.items;
  const item = index === null ? undefined : items[index];

  // The list changed under the viewer (a new query) and no longer has that item.
  useEffect(() => {
    if (index !== null && !item) close();
  }, [index, item, close]);

  if (index === null || !item) return null;
  return <ViewerDialog item={item} index={index} count={items.length} />;
}

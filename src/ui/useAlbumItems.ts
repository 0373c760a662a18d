// The album being browsed, as grid items: its photos' files, best score first.
import { useMemo } from 'react';
import { useAlbumsStore } from '../state/albums-store';
import { useLibraryStore } from '../state/library-store';
import type { ShownItem } from './useShownItems';

/** The files of the album browsed in the albums view, ranked by score (null when none is browsed). */
export function useAlbumItems(): ShownItem[] | null {
  const open = useAlbumsStore((s) => s.open);
  const browsing = useAlbumsStore((s) => s.browsing);
  const groups = useAlbumsStore((s) => s.groups);
  const photos = useAlbumsStore((s) => s.photos);
  const byHash = useLibraryStore((s) => s.byHash);
  return useMemo(() => {
    if (!open || browsing === null) return null;
    const group = groups.find((g) => g.name === browsing);
    if (!group) return null;
    return group.photos.flatMap((hash) => (byHash.get(hash) ?? []).map((file) => ({ file, score: photos.get(hash)?.score ?? null, relevance: null })));
  }, [open, browsing, groups, photos, byHash]);
}

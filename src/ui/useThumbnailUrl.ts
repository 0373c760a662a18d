// A photo's thumbnail as an object URL from the shared thumbnail cache, while a component shows it.
import { useEffect, useState } from 'react';
import { useLibraryStore } from '../state/library-store';
import { createThumbnailCache } from './thumbnail-cache';

const cache = createThumbnailCache((hash) => useLibraryStore.getState().thumbnail(hash));

/** An object URL of the photo's thumbnail while the component is mounted; null until loaded or when missing. */
export function useThumbnailUrl(hash: string): string | null {
  const [loaded, setLoaded] = useState<{ hash: string; url: string | null } | null>(null);

  useEffect(() => {
    let live = true;
    void cache.acquire(hash).then((url) => {
      if (live) setLoaded({ hash, url });
    });
    return () => {
      live = false;
      cache.release(hash);
    };
  }, [hash]);

  return loaded?.hash === hash ? loaded.url : null;
}

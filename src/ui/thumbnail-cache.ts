// Object URLs of thumbnails, shared between the cards on screen. A URL lives while a card uses
// it and a little after (the most recent `keepIdle` unused ones stay for scrolling back); it is
// revoked when it falls out of that window.
type Loader = (hash: string) => Promise<Blob | null>;

interface Entry {
  url: Promise<string | null>;
  refs: number;
}

export interface ThumbnailCache {
  acquire(hash: string): Promise<string | null>;
  release(hash: string): void;
  /** Live entries (for tests). */
  size(): number;
}

export function createThumbnailCache(load: Loader, keepIdle = 300): ThumbnailCache {
  const entries = new Map<string, Entry>();
  const idle = new Map<string, true>(); // insertion order = least recently released first

  function drop(hash: string): void {
    const entry = entries.get(hash);
    entries.delete(hash);
    idle.delete(hash);
    void entry?.url.then((u) => u && URL.revokeObjectURL(u));
  }

  return {
    acquire(hash) {
      let entry = entries.get(hash);
      if (!entry) {
        const url = load(hash).then(
          (blob) => (blob ? URL.createObjectURL(blob) : null),
          () => null,
        );
        entry = { url, refs: 0 };
        entries.set(hash, entry);
      }
      entry.refs++;
      idle.delete(hash);
      return entry.url;
    },
    release(hash) {
      const entry = entries.get(hash);
      if (!entry || --entry.refs > 0) return;
      idle.set(hash, true);
      // A thumbnail that was missing may be written later: ask again next time.
      void entry.url.then((u) => {
        if (u === null && entries.get(hash) === entry && entry.refs === 0) drop(hash);
      });
      while (idle.size > keepIdle) drop(idle.keys().next().value as string);
    },
    size: () => entries.size,
  };
}

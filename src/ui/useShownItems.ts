import { useMemo } from 'react';
import type { FileRecord } from '../library/schema';
import { useLibraryStore } from '../state/library-store';
import { resultItems, useSearchStore } from '../state/search-store';

/** One card of the grid: a ranked file, or a library file (no score) while there is no query. */
export interface ShownItem {
  file: FileRecord;
  score: number | null;
}

export interface ShownList {
  items: readonly ShownItem[];
  /** True while a text or photo query is set: the items are results in rank order. */
  querying: boolean;
}

/** What the grid and the viewer show: the ranked results, or the whole library in path order. */
export function useShownItems(): ShownList {
  const text = useSearchStore((s) => s.text);
  const photoQuery = useSearchStore((s) => s.photoQuery);
  const ranked = useSearchStore((s) => s.ranked);
  const files = useLibraryStore((s) => s.files);
  const querying = photoQuery !== null || text.trim() !== '';

  const results = useMemo(() => resultItems(ranked, files), [ranked, files]);
  const library = useMemo(() => files.map((file) => ({ file, score: null })), [files]);
  return { items: querying ? results : library, querying };
}

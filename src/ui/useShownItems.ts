// What the grid and the viewer show: the ranked results, or the library, filtered and sorted.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FileRecord } from '../library/schema';
import { useLibraryStore } from '../state/library-store';
import { refineItems, type Refined, type RefineSettings } from '../state/refine';
import { useRefineStore } from '../state/refine-store';
import { resultItems, useSearchStore } from '../state/search-store';

/** One card of the grid: a ranked file, or a library file (no score) while there is no query. */
export interface ShownItem {
  file: FileRecord;
  score: number | null;
}

export interface ShownList {
  items: readonly ShownItem[];
  /** True while a text, advanced or photo query is set: the items are results in rank order. */
  querying: boolean;
  /** Items before the filters and the minimum score (refine.ts). */
  total: number;
  hiddenAll: Refined<ShownItem>['hiddenAll'];
}

const pickSettings = ({ sort, folder, type, from, to, minScoreOn, minScore }: RefineSettings): RefineSettings => ({
  sort,
  folder,
  type,
  from,
  to,
  minScoreOn,
  minScore,
});

/** What the grid and the viewer show: the ranked results, or the whole library in path order, filtered and sorted as the toolbar says. */
export function useShownItems(): ShownList {
  const text = useSearchStore((s) => s.text);
  const photoQuery = useSearchStore((s) => s.photoQuery);
  const ranked = useSearchStore((s) => s.ranked);
  const files = useLibraryStore((s) => s.files);
  const advanced = useSearchStore((s) => s.advanced.trim() !== '');
  const querying = photoQuery !== null || text.trim() !== '' || advanced;

  const results = useMemo(() => resultItems(ranked, files), [ranked, files]);
  const library = useMemo(() => files.map((file) => ({ file, score: null })), [files]);
  const settings = useRefineStore(useShallow(pickSettings));
  const refined = useMemo(() => refineItems<ShownItem>(querying ? results : library, settings, querying), [querying, results, library, settings]);
  return { items: refined.items, querying, total: refined.total, hiddenAll: refined.hiddenAll };
}

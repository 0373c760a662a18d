// What the grid and the viewer show: the ranked results, or the library, filtered and sorted.
import { useMemo } from 'react';
import { useShallow } from 'zustand/react/shallow';
import type { FileRecord } from '../library/schema';
import { useLibraryStore } from '../state/library-store';
import { filterPredicate, hasFilters, refineItems, type Refined, type RefineSettings } from '../state/refine';
import { useRefineStore } from '../state/refine-store';
import { resultItems, useSearchStore, type ResultItem } from '../state/search-store';

/** One card of the grid: a ranked file, or a library file (no score) while there is no query. */
export interface ShownItem {
  file: FileRecord;
  score: number | null;
  /** How far the photo stands out for the query (engine/query/relevance.ts); null while browsing. */
  relevance: number | null;
  /** A video's best moment for the query; null for a photo, or while browsing. */
  moment?: ResultItem['moment'];
}

export interface ShownList {
  items: readonly ShownItem[];
  /** True while a text, advanced or photo query is set: the items are results in rank order. */
  querying: boolean;
  /** Items the filters and the minimum score let through, fetched or not (the results come a page at a time). */
  shown: number;
  /** Items before the filters and the minimum score (refine.ts). */
  total: number;
  /** Only the query's matches are ranked (Show all is off): `shown` counts matches. */
  matchesOnly: boolean;
  hiddenAll: Refined<ShownItem>['hiddenAll'];
  /** More results than `items` hold: the grid asks for the next page as it scrolls. */
  more: boolean;
}

const pickSettings = ({ sort, folder, type, from, to, album, minScoreOn, minScore }: RefineSettings): RefineSettings => ({
  sort,
  folder,
  type,
  from,
  to,
  album,
  minScoreOn,
  minScore,
});

/** What the grid and the viewer show: the ranked results, or the whole library in path order, filtered and sorted as the toolbar says. */
export function useShownItems(): ShownList {
  const text = useSearchStore((s) => s.text);
  const photoQuery = useSearchStore((s) => s.photoQuery);
  const ranked = useSearchStore((s) => s.ranked);
  const rankedTotal = useSearchStore((s) => s.total);
  const matches = useSearchStore((s) => s.matches);
  const matchesOnly = useSearchStore((s) => !s.showAll);
  const files = useLibraryStore((s) => s.files);
  const byHash = useLibraryStore((s) => s.byHash);
  const embedded = useLibraryStore((s) => s.embedded);
  const indexedFiles = useLibraryStore((s) => s.stats.indexedFiles);
  const advanced = useSearchStore((s) => s.advanced.trim() !== '');
  const querying = photoQuery !== null || text.trim() !== '' || advanced;

  const results = useMemo(() => resultItems(ranked, byHash), [ranked, byHash]);
  // Only while browsing: 300k items made again on every batch of new files is work for the collector.
  const library = useMemo(() => (querying ? [] : files.map((file) => ({ file, score: null, relevance: null }))), [querying, files]);
  const settings = useRefineStore(useShallow(pickSettings));
  const refined = useMemo(() => refineItems<ShownItem>(querying ? results : library, settings, querying), [querying, results, library, settings]);
  // Results come a page at a time: what the whole ranking holds is counted from the library's
  // files (every indexed file is a result; the filters are the ones the worker applied).
  // Without filters that is the library's indexed-file count, kept batch by batch; filters count the files they let through.
  const filtered = hasFilters(settings);
  const passingFiltered = useMemo(() => {
    if (!querying || !filtered) return 0;
    const keep = filterPredicate(settings);
    let passing = 0;
    for (const f of files) if (embedded.has(f.hash) && keep(f)) passing++;
    return passing;
  }, [querying, filtered, files, embedded, settings]);
  const counts = querying ? { all: indexedFiles, passing: filtered ? passingFiltered : indexedFiles } : null;

  if (!querying || !counts)
    return {
      items: refined.items,
      querying,
      shown: refined.items.length,
      total: refined.total,
      matchesOnly: false,
      hiddenAll: refined.hiddenAll,
      more: false,
    };
  const more = ranked.length < rankedTotal;
  // Every result is at hand with a minimum score (or a sort by date): count what passes it.
  // The worker counts matching photos; a photo kept in two files shows twice (counted once until its page comes).
  const shown = more ? (matchesOnly ? Math.max(matches, refined.items.length) : counts.passing) : refined.items.length;
  const hiddenAll = refined.hiddenAll ?? (counts.all > 0 && counts.passing === 0 ? { by: 'filters' as const } : null);
  return { items: refined.items, querying, shown, total: Math.max(counts.all, shown), matchesOnly, hiddenAll, more };
}

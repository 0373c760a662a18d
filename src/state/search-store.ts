// The search as the page runs it: the description, the advanced query or a photo ("More like this"),
// CLIP view and sentence mode, and the ranked results, ranked again as embeddings arrive.
import { create } from 'zustand';
import type { FileRecord } from '../library/schema';
import type { SentenceStats } from '../engine/query/sentence-matches';
import { appendTerm, photoTerm } from '../engine/query/query-language';
import type { Query, QueryTerm, RankedPhoto, VideoMoment } from '../worker/protocol';
import { formatMoment, itemOf, parseFrameKey } from '../engine/video/frame-key';
import { advancedTerms, type QueryProblem } from './advanced-query';
import { engineClient } from './engine-client';
import { filterPredicate, hasFilters } from './refine';
import { useRefineStore } from './refine-store';
import { markTiming } from './timing';
import { useLibraryStore } from './library-store';
import { useModelStore } from './model-store';

/** What plain CLIP reads: the "CLIP view" cuts the query to this many tokens. */
export const CLIP_CONTEXT = 77;

/** Results asked of the worker at a time; the grid asks for the next page as it scrolls near the end. */
export const RESULTS_PAGE = 120;

export interface ResultItem {
  file: FileRecord;
  score: number;
  relevance: number;
  /** A video's best moment for the query; null for a photo. */
  moment: RankedPhoto['moment'] | null;
}

export interface SearchState {
  text: string;
  clipView: boolean;
  /** Sentence-aware scoring: the whole text and each sentence count (off: the plain cosine of the whole text). */
  sentenceMode: boolean;
  /** With sentence-aware scoring, the sentences of the last text query and their spread over the library. */
  sentences: SentenceStats[] | null;
  /** Token count of the whole text (start and end included), null before a model is loaded. */
  tokenCount: number | null;
  /** A photo used as the query ("More like this"), by content hash. */
  photoQuery: string | null;
  /** The ranking so far, best first: the first pages (all of it when `total` is reached). */
  ranked: RankedPhoto[];
  /** Photos the query ranks: the matches, or with `showAll` every photo (of those the filters let through). */
  total: number;
  /** Matches among the photos the filters let through (engine/query/relevance.ts). */
  matches: number;
  /** Every photo the filters let through, matches or not. */
  rankedCount: number;
  /** The whole library ranked, not only the matches (kept across visits). */
  showAll: boolean;
  searching: boolean;
  /** The query changed since `ranked` was made: what the grid shows is the earlier query's, until the new results come. */
  stale: boolean;
  error: string | null;
  /** The "Advanced query" field (src/engine/query/query-language.ts); with content, the search is its terms plus the description. */
  advanced: string;
  /** Why the advanced query cannot run (syntax, an unknown photo), at which span of it; the last results stay. */
  advancedError: QueryProblem | null;
  /** Text terms of the advanced query that are cut at the context length, said in words. */
  advancedWarning: string | null;

  setText(text: string): void;
  setAdvanced(advanced: string): void;
  /** Adds `+photo:"<path>"` (or `-photo:`) to the advanced query. */
  addExample(path: string, positive: boolean): void;
  setClipView(on: boolean): void;
  setSentenceMode(on: boolean): void;
  setShowAll(on: boolean): void;
  moreLikeThis(hash: string): void;
  clearPhotoQuery(): void;
  refresh(): void;
  /** Asks for the next page of results (the grid scrolled near the end of what it has). */
  loadMore(): void;
  /** A video's good moments for the query shown (none while there is no query, or it changed). */
  videoMoments(hash: string): Promise<VideoMoment[]>;
}

const SENTENCE_MODE_KEY = 'longclip-search:sentence-mode';
const SHOW_ALL_KEY = 'longclip-search:show-all';

/** A setting kept across visits (localStorage; off where storage is not available). */
function loadFlag(key: string): boolean {
  try {
    return typeof localStorage !== 'undefined' && localStorage.getItem(key) === '1';
  } catch {
    return false;
  }
}

function saveFlag(key: string, on: boolean): void {
  try {
    localStorage.setItem(key, on ? '1' : '0');
  } catch {
    // private mode: the setting lasts for this page only
  }
}

/** The context the model reads (248 for Long-CLIP), or 77 in CLIP view. */
export function contextLength(clipView: boolean): number {
  const ctx = useModelStore.getState().active?.manifest.contextLength ?? 248;
  return clipView ? Math.min(CLIP_CONTEXT, ctx) : ctx;
}

/** Ranked photos expanded to the files that hold them (a photo added twice shows twice). */
export function resultItems(ranked: readonly RankedPhoto[], byHash: { get(hash: string): readonly FileRecord[] | undefined }): ResultItem[] {
  return ranked.flatMap((r) => (byHash.get(r.hash) ?? []).map((file) => ({ file, score: r.score, relevance: r.relevance, moment: r.moment ?? null })));
}

/** How "More like this" names its photo: the file name, and for a video's frame its time ("clip.mp4 at 0:12"). */
export function queryPhotoName(key: string, byHash: { get(hash: string): readonly FileRecord[] | undefined }): string | null {
  const name = byHash.get(itemOf(key))?.[0]?.name;
  if (!name) return null;
  const frame = parseFrameKey(key);
  return frame ? `${name} at ${formatMoment(frame.ms)}` : name;
}

/**
 * Inserts photos scored since the ranking was made (indexed meanwhile) where they belong: a
 * photo that ranks within the pages already fetched joins them, one below them waits for a later
 * page (the worker ranks it there). Ties go after the photos already there. A video already
 * listed whose new frames found a better moment moves up with it.
 */
export function mergeRanked(ranked: readonly RankedPhoto[], total: number, fresh: readonly RankedPhoto[]): RankedPhoto[] {
  const complete = ranked.length >= total;
  const last = ranked[ranked.length - 1];
  const known = new Set(ranked.map((r) => r.hash));
  let out = ranked.slice();
  for (const r of fresh) {
    if (known.has(r.hash)) {
      const old = out.findIndex((o) => o.hash === r.hash);
      if (!r.moment || old < 0 || out[old]!.moment?.frame === r.moment.frame) continue;
      out = out.filter((_, i) => i !== old);
    } else if ((!complete && last && r.score <= last.score) || (!complete && !last)) continue;
    let at = out.length;
    while (at > 0 && out[at - 1]!.score < r.score) at--;
    out.splice(at, 0, r);
  }
  return out;
}

/** The photos (hashes) whose files the filters let through; null without filters. */
function filterHashes(): string[] | null {
  const settings = useRefineStore.getState();
  if (!hasFilters(settings)) return null;
  const keep = filterPredicate(settings);
  const hashes = new Set<string>();
  for (const f of useLibraryStore.getState().files) if (keep(f)) hashes.add(f.hash);
  return [...hashes];
}

/** A sort other than by score, or a minimum score, needs every result at hand. */
function needsAll(): boolean {
  const { sort, minScoreOn } = useRefineStore.getState();
  return sort !== 'default' || minScoreOn;
}

export const useSearchStore = create<SearchState>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  /** The worker's kept query behind `ranked`, and whether it was filtered. */
  let session: { id: number; filtered: boolean } | null = null;
  let loadingMore = false;
  /** Photos indexed since the ranking was made, to be scored against the kept query. */
  let fresh: string[] = [];
  let freshTimer: ReturnType<typeof setTimeout> | undefined;

  async function run(): Promise<void> {
    const { text, clipView, photoQuery, advanced } = get();
    const model = useModelStore.getState().active;
    const mine = ++generation;
    if (!model) return set({ stale: false });
    fresh = [];
    listen();
    if (!photoQuery && !text.trim() && !advanced.trim()) {
      session = null;
      set({
        ranked: [],
        total: 0,
        matches: 0,
        rankedCount: 0,
        sentences: null,
        searching: false,
        stale: false,
        error: null,
        advancedError: null,
        advancedWarning: null,
      });
      return;
    }
    const built = !photoQuery && advanced.trim() ? advancedTerms(advanced, text, useLibraryStore.getState()) : null;
    if (built?.problem) return set({ advancedError: built.problem, searching: false, error: null });
    if (!built) set({ advancedWarning: null });
    set({ searching: true, advancedError: null });
    try {
      const query: Query = photoQuery
        ? { kind: 'photo', hash: photoQuery }
        : built
          ? { kind: 'terms', terms: built.terms, contextLength: contextLength(clipView) }
          : { kind: 'text', text, contextLength: contextLength(clipView), sentences: get().sentenceMode };
      const filter = filterHashes();
      markTiming('search:sent');
      const [result, advancedWarning] = await Promise.all([
        engineClient().call({ type: 'search', query, limit: needsAll() ? null : RESULTS_PAGE, filter, matchesOnly: !get().showAll }),
        built ? cutTermsWarning(text.trim() ? built.terms.slice(0, -1) : built.terms, contextLength(clipView)) : null,
      ]);
      if (mine !== generation) return;
      session = { id: result.session, filtered: filter !== null };
      set({
        ranked: result.results,
        total: result.total,
        matches: result.matches,
        rankedCount: result.ranked,
        sentences: result.sentences,
        stale: false,
        error: null,
        advancedWarning,
      });
      markTiming('search:results', { encodeMs: result.encodeMs });
    } catch (e) {
      if (mine === generation) set({ error: (e as Error).message });
    } finally {
      if (mine === generation) set({ searching: false });
    }
  }

  /** Text terms of the advanced query longer than the context are cut: say which (the description has its own counter). */
  async function cutTermsWarning(terms: readonly QueryTerm[], context: number): Promise<string | null> {
    const cut: string[] = [];
    for (const t of terms) {
      if (t.kind !== 'text') continue;
      const { count: tokens } = await engineClient().call({ type: 'tokens', text: t.text });
      if (tokens > context) cut.push(`"${t.text.length > 40 ? `${t.text.slice(0, 39)}…` : t.text}" is ${tokens} tokens`);
    }
    return cut.length ? `${cut.join('; ')}: only the first ${context} tokens of a term are read.` : null;
  }

  async function count(text: string): Promise<void> {
    if (!useModelStore.getState().active) return set({ tokenCount: null });
    const { count: tokens } = await engineClient().call({ type: 'tokens', text });
    if (get().text === text) set({ tokenCount: tokens });
  }

  function schedule(delay: number): void {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), delay);
  }

  async function loadMore(): Promise<void> {
    const { ranked, total, searching } = get();
    if (!session || loadingMore || searching || ranked.length >= total) return;
    const mine = generation;
    const asked = session;
    loadingMore = true;
    try {
      const page = await engineClient().call({ type: 'search-page', session: asked.id, offset: ranked.length, limit: RESULTS_PAGE });
      if (mine !== generation || session !== asked || get().ranked !== ranked) return;
      set({ ranked: [...ranked, ...page.results], total: page.total, matches: page.matches, rankedCount: page.ranked });
    } catch {
      // the query changed meanwhile: its own search brings the first page
    } finally {
      loadingMore = false;
    }
  }

  /** Photos indexed while a query is shown: scored against the kept query, merged in place; nothing is encoded or sent again. */
  async function rescoreFresh(): Promise<void> {
    const hashes = fresh;
    fresh = [];
    if (!hashes.length || !session) return;
    if (session.filtered || needsAll()) return schedule(0); // the filter's photos (or all of them) are asked for again
    const mine = generation;
    const asked = session;
    try {
      const page = await engineClient().call({ type: 'search-rescore', session: asked.id, hashes });
      if (mine !== generation || session !== asked) return;
      set((s) => ({
        ranked: mergeRanked(s.ranked, s.total, page.results),
        total: page.total,
        matches: page.matches,
        rankedCount: page.ranked,
      }));
      markTiming('search:merged', { photos: hashes.length });
    } catch {
      if (mine === generation) schedule(0);
    }
  }

  // New embeddings (indexing, another tab) join the ranking shown, from the first search on;
  // a reload of the library (an imported index) or another model ranks again.
  let listening = false;
  function listen(): void {
    if (listening) return;
    listening = true;
    engineClient().on((m) => {
      if (m.type !== 'indexed' || !session) return;
      if (!fresh.length) markTiming('search:fresh');
      fresh.push(...m.hashes);
      // Events of one task are taken together.
      clearTimeout(freshTimer);
      freshTimer = setTimeout(() => void rescoreFresh(), 0);
    });
  }
  let lastReload = useLibraryStore.getState().reloads;
  useLibraryStore.subscribe((s) => {
    if (s.reloads !== lastReload) {
      lastReload = s.reloads;
      schedule(0);
    }
  });
  // The filters go to the worker with the query; a sort by date or a minimum score needs every result.
  useRefineStore.subscribe((s, prev) => {
    if (!session) return;
    const filtersChanged = s.folder !== prev.folder || s.type !== prev.type || s.from !== prev.from || s.to !== prev.to || s.album !== prev.album;
    const allChanged = (s.sort !== 'default' || s.minScoreOn) !== (prev.sort !== 'default' || prev.minScoreOn);
    if (filtersChanged || allChanged) schedule(0);
  });
  useModelStore.subscribe((s, prev) => {
    if (s.active?.key !== prev.active?.key) {
      void count(get().text);
      schedule(0);
    }
  });

  return {
    text: '',
    clipView: false,
    sentenceMode: loadFlag(SENTENCE_MODE_KEY),
    sentences: null,
    tokenCount: null,
    photoQuery: null,
    ranked: [],
    total: 0,
    matches: 0,
    rankedCount: 0,
    showAll: loadFlag(SHOW_ALL_KEY),
    searching: false,
    stale: false,
    error: null,
    advanced: '',
    advancedError: null,
    advancedWarning: null,

    setText(text) {
      set({ text, photoQuery: null, stale: true });
      void count(text);
      schedule(250);
    },
    setAdvanced(advanced) {
      set({ advanced, photoQuery: null, stale: true });
      schedule(250);
    },
    addExample(path, positive) {
      set({ advanced: appendTerm(get().advanced, photoTerm(path, positive)), photoQuery: null, stale: true });
      schedule(0);
    },
    setClipView(clipView) {
      set({ clipView, stale: true });
      schedule(0);
    },
    setSentenceMode(sentenceMode) {
      set({ sentenceMode, stale: true });
      saveFlag(SENTENCE_MODE_KEY, sentenceMode);
      schedule(0);
    },
    setShowAll(showAll) {
      set({ showAll, stale: true });
      saveFlag(SHOW_ALL_KEY, showAll);
      schedule(0);
    },
    async videoMoments(hash) {
      const asked = session;
      if (!asked || get().stale) return [];
      try {
        return await engineClient().call({ type: 'moments', session: asked.id, hash });
      } catch {
        return []; // the kept query was replaced meanwhile
      }
    },

    moreLikeThis(hash) {
      set({ photoQuery: hash, stale: true });
      schedule(0);
    },
    clearPhotoQuery() {
      set({ photoQuery: null, stale: true });
      schedule(0);
    },
    refresh: () => schedule(0),
    loadMore: () => void loadMore(),
  };
});

// The search as the page runs it: the description, the advanced query or a photo ("More like this"),
// CLIP view and sentence mode, and the ranked results, ranked again as embeddings arrive.
import { create } from 'zustand';
import type { FileRecord } from '../library/schema';
import type { SentenceStats } from '../engine/query/sentence-matches';
import { appendTerm, photoTerm } from '../engine/query/query-language';
import type { Query, QueryTerm, RankedPhoto } from '../worker/protocol';
import { advancedTerms, type QueryProblem } from './advanced-query';
import { engineClient } from './engine-client';
import { filesByHash } from './files-by-hash';
import { useLibraryStore } from './library-store';
import { useModelStore } from './model-store';

/** What plain CLIP reads: the "CLIP view" cuts the query to this many tokens. */
export const CLIP_CONTEXT = 77;

export interface ResultItem {
  file: FileRecord;
  score: number;
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
  ranked: RankedPhoto[];
  searching: boolean;
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
  moreLikeThis(hash: string): void;
  clearPhotoQuery(): void;
  refresh(): void;
}

const SENTENCE_MODE_KEY = 'longclip-search:sentence-mode';

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
export function resultItems(ranked: readonly RankedPhoto[], files: readonly FileRecord[]): ResultItem[] {
  const byHash = filesByHash(files);
  return ranked.flatMap((r) => (byHash.get(r.hash) ?? []).map((file) => ({ file, score: r.score })));
}

export const useSearchStore = create<SearchState>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;

  async function run(): Promise<void> {
    const { text, clipView, photoQuery, advanced } = get();
    const model = useModelStore.getState().active;
    const mine = ++generation;
    if (!model) return;
    if (!photoQuery && !text.trim() && !advanced.trim()) {
      set({ ranked: [], sentences: null, searching: false, error: null, advancedError: null, advancedWarning: null });
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
      const [{ results, sentences }, advancedWarning] = await Promise.all([
        engineClient().call({ type: 'search', query, limit: null }),
        built ? cutTermsWarning(text.trim() ? built.terms.slice(0, -1) : built.terms, contextLength(clipView)) : null,
      ]);
      if (mine === generation) set({ ranked: results, sentences, error: null, advancedWarning });
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

  // Re-rank when embeddings arrive (results update while indexing runs) or the model changes.
  let lastRevision = -1;
  useLibraryStore.subscribe((s) => {
    if (s.revision !== lastRevision) {
      lastRevision = s.revision;
      schedule(300);
    }
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
    searching: false,
    error: null,
    advanced: '',
    advancedError: null,
    advancedWarning: null,

    setText(text) {
      set({ text, photoQuery: null });
      void count(text);
      schedule(250);
    },
    setAdvanced(advanced) {
      set({ advanced, photoQuery: null });
      schedule(250);
    },
    addExample(path, positive) {
      set({ advanced: appendTerm(get().advanced, photoTerm(path, positive)), photoQuery: null });
      schedule(0);
    },
    setClipView(clipView) {
      set({ clipView });
      schedule(0);
    },
    setSentenceMode(sentenceMode) {
      set({ sentenceMode });
      saveFlag(SENTENCE_MODE_KEY, sentenceMode);
      schedule(0);
    },
    moreLikeThis(hash) {
      set({ photoQuery: hash });
      schedule(0);
    },
    clearPhotoQuery() {
      set({ photoQuery: null });
      schedule(0);
    },
    refresh: () => schedule(0),
  };
});

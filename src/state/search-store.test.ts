// Which query the search store sends: the plain description alone exactly as before, the
// advanced query's terms plus the description as terms, and nothing at all for a broken query.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Query, RankedPhoto, WorkerMessage } from '../worker/protocol';

const sent: Query[] = [];
const requests: { type: string; [k: string]: unknown }[] = [];
const results: RankedPhoto[] = [{ hash: 'h1', score: 0.5, relevance: 3 }];
/** What the stand-in worker ranks for `search` and `search-page` (null: `results`, all of them). */
let ranking: RankedPhoto[] | null = null;
let listener: ((m: WorkerMessage) => void) | null = null;

vi.mock('./engine-client', () => ({
  engineClient: () => ({
    on: (l: (m: WorkerMessage) => void) => (listener = l),
    call: async (request: { type: string; query?: Query; text?: string; limit?: number | null; offset?: number; hashes?: string[] }) => {
      // A stand-in tokenizer: one token per word, plus start and end.
      if (request.type === 'tokens') return { count: request.text!.split(' ').length + 2, contextLength: 248 };
      requests.push(request);
      const all = ranking ?? results;
      if (request.type === 'search-page')
        return { results: all.slice(request.offset, request.offset! + request.limit!), total: all.length, matches: all.length, ranked: all.length };
      if (request.type === 'search-rescore')
        return { results: all.filter((r) => request.hashes!.includes(r.hash)), total: all.length, matches: all.length, ranked: all.length };
      sent.push(request.query!);
      return {
        session: requests.length,
        results: request.limit === null ? all : all.slice(0, request.limit),
        total: all.length,
        matches: all.length,
        ranked: all.length,
        sentences: null,
        encodeMs: 1,
      };
    },
  }),
}));
vi.mock('./model-store', async () => {
  const { create } = await import('zustand');
  return { useModelStore: create(() => ({ active: null as unknown })) };
});
vi.mock('./library-store', async () => {
  const { create } = await import('zustand');
  return {
    useLibraryStore: create(() => ({
      files: [{ path: 'gallery/a.png', name: 'a.png', folder: 'gallery', hash: 'h1' }],
      embedded: new Set(['h1']),
      revision: 0,
    })),
  };
});

const { useSearchStore, RESULTS_PAGE } = await import('./search-store');
const { useRefineStore } = await import('./refine-store');
const { useModelStore } = await import('./model-store');

async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(1000);
}

describe('search store queries', () => {
  beforeEach(async () => {
    vi.useFakeTimers();
    useModelStore.setState({ active: { key: 'm', manifest: { contextLength: 248 } } as never });
    useSearchStore.setState({ text: '', advanced: '', photoQuery: null, ranked: [], sentenceMode: true, clipView: false });
    await settle();
    sent.length = 0;
    requests.length = 0;
    ranking = null;
  });
  afterEach(() => vi.useRealTimers());

  it('sends a plain description alone as a text query, as before', async () => {
    useSearchStore.getState().setText('A "red" car - at night');
    await settle();
    expect(sent).toEqual([{ kind: 'text', text: 'A "red" car - at night', contextLength: 248, sentences: true }]);
  });

  it('asks for the matches only, until Show all is on', async () => {
    useSearchStore.getState().setText('a red car');
    await settle();
    expect(requests.at(-1)).toMatchObject({ type: 'search', matchesOnly: true });
    useSearchStore.getState().setShowAll(true);
    expect(useSearchStore.getState().stale).toBe(true);
    await settle();
    expect(requests.at(-1)).toMatchObject({ type: 'search', matchesOnly: false });
    useSearchStore.getState().setShowAll(false);
    await settle();
    expect(requests.at(-1)).toMatchObject({ type: 'search', matchesOnly: true });
  });

  it('sends the advanced terms plus the description as one text term of weight 1', async () => {
    useSearchStore.getState().setText('a red car');
    useSearchStore.getState().setAdvanced('2:"at night" -photo:"a.png"');
    await settle();
    expect(sent.at(-1)).toEqual({
      kind: 'terms',
      contextLength: 248,
      terms: [
        { kind: 'text', text: 'at night', weight: 2 },
        { kind: 'photo', hash: 'h1', weight: -1 },
        { kind: 'text', text: 'a red car', weight: 1 },
      ],
    });
    expect(useSearchStore.getState().advancedError).toBeNull();
  });

  it('keeps the last results and sends nothing while the advanced query is broken', async () => {
    useSearchStore.getState().setAdvanced('"at night"');
    await settle();
    expect(useSearchStore.getState().ranked).toEqual(results);
    sent.length = 0;
    useSearchStore.getState().setAdvanced('"at night" people');
    await settle();
    expect(sent).toEqual([]);
    expect(useSearchStore.getState().ranked).toEqual(results);
    expect(useSearchStore.getState().advancedError).toMatchObject({ start: 11, end: 17 });
    useSearchStore.getState().setAdvanced('');
    await settle();
    expect(useSearchStore.getState().advancedError).toBeNull();
  });

  it('marks the results stale from the moment the query changes until its own results come (every kind of change)', async () => {
    useSearchStore.getState().setText('a red car');
    await settle();
    expect(useSearchStore.getState().stale).toBe(false);
    const changes: [string, () => void][] = [
      ['text', () => useSearchStore.getState().setText('a blue car')],
      ['CLIP view', () => useSearchStore.getState().setClipView(true)],
      ['sentence mode', () => useSearchStore.getState().setSentenceMode(false)],
      ['More like this', () => useSearchStore.getState().moreLikeThis('h1')],
      ['back to the text', () => useSearchStore.getState().clearPhotoQuery()],
      ['advanced query', () => useSearchStore.getState().setAdvanced('"at night"')],
    ];
    for (const [name, change] of changes) {
      change();
      expect(useSearchStore.getState().stale, name).toBe(true);
      await settle();
      expect(useSearchStore.getState().stale, name).toBe(false);
    }
    // A broken advanced query keeps the earlier results, still marked as the earlier query's.
    useSearchStore.getState().setAdvanced('"at night" people');
    await settle();
    expect(useSearchStore.getState().stale).toBe(true);
    expect(useSearchStore.getState().ranked).toEqual(results);
  });

  it('adds examples from the viewer as photo terms, quotes escaped', async () => {
    useSearchStore.getState().setText('x');
    useSearchStore.getState().addExample('gallery/a.png', false);
    useSearchStore.getState().addExample('d/say "hi".png', true);
    expect(useSearchStore.getState().advanced).toBe('-photo:"gallery/a.png" +photo:"d/say \\"hi\\".png"');
  });

  it('says which advanced text terms are cut at the context length (not the description: it has its own counter)', async () => {
    const long = Array.from({ length: 300 }, (_, i) => `w${i}`).join(' ');
    useSearchStore.getState().setText(long);
    useSearchStore.getState().setAdvanced('"short" -"people"');
    await settle();
    expect(useSearchStore.getState().advancedWarning).toBeNull();
    useSearchStore.getState().setAdvanced(`"short" -"${long}"`);
    await settle();
    expect(useSearchStore.getState().advancedWarning).toBe(
      '"w0 w1 w2 w3 w4 w5 w6 w7 w8 w9 w10 w11 w…" is 302 tokens: only the first 248 tokens of a term are read.',
    );
    useSearchStore.getState().setAdvanced('');
    await settle();
    expect(useSearchStore.getState().advancedWarning).toBeNull();
  });

  it('asks for the first page, then the next as the grid scrolls; photos indexed meanwhile are scored against the kept query and merged', async () => {
    const score = (i: number) => 1 - i / 1000;
    ranking = Array.from({ length: RESULTS_PAGE * 2 + 10 }, (_, i) => ({ hash: `p${i}`, score: score(i), relevance: 3 }));
    useSearchStore.getState().setText('a red car');
    await settle();
    expect(requests).toEqual([expect.objectContaining({ type: 'search', limit: RESULTS_PAGE, filter: null })]);
    expect(useSearchStore.getState().ranked).toHaveLength(RESULTS_PAGE);
    expect(useSearchStore.getState().total).toBe(ranking.length);
    useSearchStore.getState().loadMore();
    await settle();
    expect(requests.at(-1)).toMatchObject({ type: 'search-page', offset: RESULTS_PAGE, limit: RESULTS_PAGE });
    expect(useSearchStore.getState().ranked.map((r) => r.hash)).toEqual(ranking.slice(0, 2 * RESULTS_PAGE).map((r) => r.hash));

    // Two photos are indexed: one ranks among the fetched pages, one below them.
    const high = { hash: 'new-high', score: score(3.5), relevance: 3 };
    const low = { hash: 'new-low', score: score(2 * RESULTS_PAGE + 5), relevance: 3 };
    ranking = [...ranking.slice(0, 4), high, ...ranking.slice(4, 2 * RESULTS_PAGE + 5), low, ...ranking.slice(2 * RESULTS_PAGE + 5)];
    requests.length = 0;
    listener!({ type: 'indexed', hashes: ['new-high', 'new-low'], embeddedSinceLoad: 2 });
    await settle();
    expect(requests).toEqual([expect.objectContaining({ type: 'search-rescore', hashes: ['new-high', 'new-low'] })]);
    expect(sent).toHaveLength(1); // the text was not searched (encoded) again
    const { ranked, total } = useSearchStore.getState();
    expect(total).toBe(ranking.length);
    expect(ranked).toHaveLength(2 * RESULTS_PAGE + 1);
    expect(ranked.map((r) => r.hash)).toEqual(ranking.slice(0, 2 * RESULTS_PAGE + 1).map((r) => r.hash));
    // The next page starts after what the grid has: the low one comes with it, in its place.
    useSearchStore.getState().loadMore();
    await settle();
    expect(requests.at(-1)).toMatchObject({ type: 'search-page', offset: 2 * RESULTS_PAGE + 1 });
    expect(useSearchStore.getState().ranked.map((r) => r.hash)).toEqual(ranking.map((r) => r.hash));
  });

  it('sends the filtered photos with the query, and asks for every result for a sort by date', async () => {
    useRefineStore.getState().setFolder('gallery');
    useSearchStore.getState().setText('a red car');
    await settle();
    expect(requests.at(-1)).toMatchObject({ type: 'search', filter: ['h1'], limit: RESULTS_PAGE });
    useRefineStore.getState().clearFilters();
    useRefineStore.getState().setSort('newest');
    await settle();
    expect(requests.at(-1)).toMatchObject({ type: 'search', filter: null, limit: null });
    useRefineStore.getState().setSort('default');
    await settle();
  });
});

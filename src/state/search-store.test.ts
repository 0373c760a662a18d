// Which query the search store sends: the plain description alone exactly as before, the
// advanced query's terms plus the description as terms, and nothing at all for a broken query.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { Query, RankedPhoto } from '../worker/protocol';

const sent: Query[] = [];
const results: RankedPhoto[] = [{ hash: 'h1', score: 0.5 }];

vi.mock('./engine-client', () => ({
  engineClient: () => ({
    call: async (request: { type: string; query?: Query; text?: string }) => {
      // A stand-in tokenizer: one token per word, plus start and end.
      if (request.type === 'tokens') return { count: request.text!.split(' ').length + 2, contextLength: 248 };
      sent.push(request.query!);
      return { results, sentences: null };
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
      files: [{ path: 'gallery/a.png', name: 'a.png', hash: 'h1' }],
      embedded: new Set(['h1']),
      revision: 0,
    })),
  };
});

const { useSearchStore } = await import('./search-store');
const { useModelStore } = await import('./model-store');

async function settle(): Promise<void> {
  await vi.advanceTimersByTimeAsync(1000);
}

describe('search store queries', () => {
  beforeEach(async () => {
    vi.useFakeTimers();
    useModelStore.setState({ active: { key: 'm', manifest: { contextLength: 248 } } as never });
    useSearchStore.setState({ text: '', advanced: '', photoQuery: null, ranked: [], sentenceMode: true });
    await settle();
    sent.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('sends a plain description alone as a text query, as before', async () => {
    useSearchStore.getState().setText('A "red" car - at night');
    await settle();
    expect(sent).toEqual([{ kind: 'text', text: 'A "red" car - at night', contextLength: 248, sentences: true }]);
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
});

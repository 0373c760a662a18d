// The albums store against a stand-in worker: what it asks for as categories and templates are
// typed, how it groups the answer, photos indexed later joining their album, bad input kept
// from the worker with a message, and named lists saved per model across reloads.
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlbumScores, RequestOf, WorkerMessage } from '../worker/protocol';

const requests: RequestOf<'albums'>[] = [];
let listener: ((m: WorkerMessage) => void) | null = null;
/** The stand-in worker answers once this settles (a sort kept running). */
let hold: Promise<void> = Promise.resolve();
/** The stand-in worker's photos: hash -> scores per category (it scores whatever categories it gets by position). */
const library = new Map<string, number[]>([
  ['h1', [0.3, 0.1, 0.0]],
  ['h2', [0.2, 0.1, 0.0]],
  ['h3', [0.1, 0.4, 0.0]],
]);

function answer(req: RequestOf<'albums'>): AlbumScores {
  const hashes = (req.hashes ?? [...library.keys()]).filter((h) => library.has(h));
  const rows = hashes.map((h) => library.get(h)!.slice(0, req.labels.length));
  const best = rows.map((r) => r.indexOf(Math.max(...r)));
  return {
    labels: req.labels,
    templates: req.templates,
    hashes,
    best: Int32Array.from(best),
    score: Float32Array.from(rows.map((r, i) => r[best[i]!]!)),
    margin: Float32Array.from(rows.map(() => 0.1)),
    spread: Float32Array.from(rows.map(() => 0.1)),
  };
}

vi.mock('./engine-client', () => ({
  engineClient: () => ({
    on: (l: (m: WorkerMessage) => void) => (listener = l),
    call: async (request: RequestOf<'albums'> | { type: 'tokens' }) => {
      // The search store (which closes the view on a new query) counts tokens on a model change.
      if (request.type !== 'albums') return { count: 0, contextLength: 248 };
      requests.push(request);
      await hold;
      return answer(request);
    },
  }),
}));
vi.mock('./model-store', async () => {
  const { create } = await import('zustand');
  return { useModelStore: create(() => ({ active: null as unknown })) };
});
vi.mock('./library-store', async () => {
  const { create } = await import('zustand');
  return { useLibraryStore: create(() => ({ files: [], reloads: 0 })) };
});

const stored = new Map<string, string>();
vi.stubGlobal('localStorage', {
  getItem: (k: string) => stored.get(k) ?? null,
  setItem: (k: string, v: string) => void stored.set(k, v),
  removeItem: (k: string) => void stored.delete(k),
});

const { useAlbumsStore } = await import('./albums-store');
const { useModelStore } = await import('./model-store');
const { loadLists } = await import('./album-lists');
const { useRefineStore } = await import('./refine-store');

const settle = () => vi.advanceTimersByTimeAsync(1000);
const counts = () => useAlbumsStore.getState().groups.map((g) => `${g.name} ${g.photos.length}`);

describe('albums store', () => {
  beforeEach(async () => {
    vi.useFakeTimers();
    useModelStore.setState({ active: { key: 'model-a' } as never });
    await settle();
    useAlbumsStore.setState({ categories: '', templates: 'a photo of a {}.', unsorted: false });
    requests.length = 0;
  });
  afterEach(() => vi.useRealTimers());

  it('sorts once typing pauses, with the categories one per line and the default template', async () => {
    const s = useAlbumsStore.getState();
    s.setCategories('navy');
    s.setCategories('navy\n mint \n\n');
    await settle();
    expect(requests).toEqual([{ type: 'albums', labels: ['navy', 'mint'], templates: ['a photo of a {}.'], hashes: null }]);
    expect(counts()).toEqual(['navy 2', 'mint 1']);
    expect(useAlbumsStore.getState().groups[0]).toMatchObject({ photos: ['h1', 'h2'], cover: 'h1' });
  });

  it('sorts again after a category is edited', async () => {
    useAlbumsStore.getState().setCategories('navy\nmint');
    await settle();
    useAlbumsStore.getState().setCategories('navy\nsalmon');
    await settle();
    expect(requests.at(-1)?.labels).toEqual(['navy', 'salmon']);
    expect(counts()).toEqual(['navy 2', 'salmon 1']);
  });

  it('scores photos indexed later and adds them to their album, without sorting everything again', async () => {
    useAlbumsStore.getState().setCategories('navy\nmint');
    await settle();
    library.set('h4', [0.0, 0.9, 0.0]);
    listener!({ type: 'indexed', hashes: ['h4'], embeddedSinceLoad: 1 });
    await settle();
    expect(requests.at(-1)).toEqual({ type: 'albums', labels: ['navy', 'mint'], templates: ['a photo of a {}.'], hashes: ['h4'] });
    expect(counts()).toEqual(['navy 2', 'mint 2']);
    expect(useAlbumsStore.getState().groups[1]!.cover).toBe('h4');
    library.delete('h4');
  });

  it('keeps bad categories and template lines from the worker, saying why, and keeps the albums shown', async () => {
    useAlbumsStore.getState().setCategories('navy\nmint');
    await settle();
    const before = requests.length;
    useAlbumsStore.getState().setCategories('navy\nnavy');
    await settle();
    expect(useAlbumsStore.getState().categoryError).toBe('Category "navy" is listed twice.');
    expect(requests.length).toBe(before);
    expect(counts()).toEqual(['navy 2', 'mint 1']);

    useAlbumsStore.getState().setCategories('navy\nmint');
    useAlbumsStore.getState().setTemplates('a photo of a {}.\na picture');
    await settle();
    expect(useAlbumsStore.getState().categoryError).toBeNull();
    expect(useAlbumsStore.getState().templateProblems).toEqual(['Line 2, "a picture", has no {} for the category name; it is not used.']);
    expect(requests.at(-1)?.templates).toEqual(['a photo of a {}.']);
  });

  it('refuses a category named Unsorted while the rule is on', async () => {
    useAlbumsStore.getState().setUnsorted(true);
    useAlbumsStore.getState().setCategories('navy\nunsorted');
    await settle();
    expect(useAlbumsStore.getState().categoryError).toMatch(/name the category differently, or turn Unsorted off/);
    useAlbumsStore.getState().setUnsorted(false);
    await settle();
    expect(useAlbumsStore.getState().categoryError).toBeNull();
    expect(requests.at(-1)?.labels).toEqual(['navy', 'unsorted']);
  });

  it('saves named lists per model, in storage that outlives the page', async () => {
    const s = useAlbumsStore.getState();
    s.setCategories('navy\nmint');
    expect(s.saveList('  ')).toBe(false);
    expect(s.saveList('Colours')).toBe(true);
    expect(loadLists('model-a')).toEqual([{ name: 'Colours', categories: 'navy\nmint', templates: 'a photo of a {}.' }]);

    useModelStore.setState({ active: { key: 'model-b' } as never });
    expect(useAlbumsStore.getState().saved).toEqual([]);
    useModelStore.setState({ active: { key: 'model-a' } as never });
    expect(useAlbumsStore.getState().saved.map((l) => l.name)).toEqual(['Colours']);

    useAlbumsStore.getState().setCategories('');
    useAlbumsStore.getState().pickList('Colours');
    await settle();
    expect(useAlbumsStore.getState().categories).toBe('navy\nmint');
    expect(requests.at(-1)?.labels).toEqual(['navy', 'mint']);

    useAlbumsStore.getState().deleteList('Colours');
    expect(loadLists('model-a')).toEqual([]);
  });

  it('gives the Album filter the photos of its album, following it as photos join and dropping it when the album is gone', async () => {
    useAlbumsStore.getState().setCategories('navy\nmint');
    await settle();
    useAlbumsStore.getState().filterBy('navy');
    expect([...useRefineStore.getState().album!.hashes]).toEqual(['h1', 'h2']);
    library.set('h5', [0.8, 0.0, 0.0]);
    listener!({ type: 'indexed', hashes: ['h5'], embeddedSinceLoad: 1 });
    await settle();
    expect([...useRefineStore.getState().album!.hashes]).toEqual(['h5', 'h1', 'h2']);
    library.delete('h5');
    useAlbumsStore.getState().setCategories('teal\nmint');
    await settle();
    expect(useRefineStore.getState().album).toBeNull();
  });

  it('scores photos indexed while a sort runs once it ends, so none is missed', async () => {
    useAlbumsStore.getState().setCategories('navy\nmint');
    await settle();
    let release = () => {};
    hold = new Promise((resolve) => (release = resolve));
    useAlbumsStore.getState().setCategories('navy\nmint\nsalmon');
    await settle();
    expect(useAlbumsStore.getState().sorting).toBe(true);
    library.set('h6', [0.0, 0.0, 0.7]);
    listener!({ type: 'indexed', hashes: ['h6'], embeddedSinceLoad: 1 });
    await settle();
    release();
    hold = Promise.resolve();
    await settle();
    expect(requests.at(-1)).toMatchObject({ labels: ['navy', 'mint', 'salmon'], hashes: ['h6'] });
    expect(counts()).toEqual(['navy 2', 'mint 1', 'salmon 1']);
    library.delete('h6');
  });
});

import { afterEach, describe, expect, it, vi } from 'vitest';

function memoryStorage(initial: Record<string, string> = {}): Storage {
  const map = new Map(Object.entries(initial));
  return {
    get length() {
      return map.size;
    },
    clear: () => map.clear(),
    getItem: (k) => map.get(k) ?? null,
    key: (i) => [...map.keys()][i] ?? null,
    removeItem: (k) => void map.delete(k),
    setItem: (k, v) => void map.set(k, v),
  };
}

async function freshStore(storage: Storage) {
  vi.stubGlobal('localStorage', storage);
  vi.resetModules();
  return (await import('./refine-store')).useRefineStore;
}

afterEach(() => vi.unstubAllGlobals());

describe('useRefineStore', () => {
  it('starts with the threshold off and no filters', async () => {
    const s = (await freshStore(memoryStorage())).getState();
    expect(s).toMatchObject({ sort: 'default', minScoreOn: false, folder: null, type: null, from: null, to: null });
  });

  it('keeps the sort and the minimum score across visits, not the filters', async () => {
    const storage = memoryStorage();
    const first = await freshStore(storage);
    first.getState().setSort('newest');
    first.getState().setMinScore(0.5);
    first.getState().setFolder('Camera');
    first.getState().setFrom('2015-01-01');
    const again = (await freshStore(storage)).getState();
    expect(again).toMatchObject({ sort: 'newest', minScoreOn: true, minScore: 0.5, folder: null, from: null });
  });

  it('ignores a damaged saved value, and a minimum that is not a number', async () => {
    const store = await freshStore(memoryStorage({ 'longclip-search:refine': '{"sort":"sideways","minScore":"x"' }));
    expect(store.getState()).toMatchObject({ sort: 'default', minScore: 0.25 });
    store.getState().setMinScore(Number.NaN);
    expect(store.getState()).toMatchObject({ minScoreOn: false, minScore: 0.25 });
  });

  it('clears the filters and turns the threshold off on request', async () => {
    const store = await freshStore(memoryStorage());
    const s = store.getState();
    s.setType('jpeg');
    s.setTo('2020-01-01');
    s.setMinScore(0.9);
    store.getState().clearFilters();
    store.getState().setMinScoreOn(false);
    expect(store.getState()).toMatchObject({ type: null, to: null, minScoreOn: false, minScore: 0.9 });
  });
});

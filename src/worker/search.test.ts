import { describe, expect, it } from 'vitest';
import { EmbeddingMatrix, normalized } from '../engine/rank';
import type { Query } from './protocol';
import { queryVector, rankedPage, rescored, type SearchDeps } from './search';

// Photos along the axes of a 3-d space; a text's embedding is looked up by its words.
const photos: Record<string, number[]> = { red: [1, 0, 0], green: [0, 1, 0], blue: [0, 0, 1], mix: [1, 1, 0] };
const words: Record<string, number[]> = { red: [1, 0, 0], green: [0, 1, 0], blue: [0, 0, 1] };

function deps(): SearchDeps & { calls: string[][] } {
  const matrix = new EmbeddingMatrix(3, 8, { prefilter: 'never' });
  for (const [k, v] of Object.entries(photos)) matrix.add(k, v);
  const calls: string[][] = [];
  return {
    matrix,
    calls,
    async embedTexts(texts) {
      calls.push(texts);
      return texts.map((t) => {
        const v = [0, 0, 0];
        for (const [w, e] of Object.entries(words)) if (t.toLowerCase().includes(w)) e.forEach((x, i) => (v[i]! += 2 * x));
        return new Float32Array(v);
      });
    },
  };
}

/** The worker's search request: the query's vector, then its first page (all of it with no limit). */
async function search(query: Query, limit: number | null, d: SearchDeps) {
  const q = await queryVector(query, d);
  return { ...rankedPage(d.matrix, q, { offset: 0, limit, only: null }), sentences: q.sentences };
}

describe('search', () => {
  it('ranks a plain text by the cosine of the whole text', async () => {
    const r = await search({ kind: 'text', text: 'A red thing. Something green.', contextLength: 248, sentences: false }, null, deps());
    expect(r.sentences).toBeNull();
    expect(r.results.map((x) => x.hash)).toEqual(['mix', 'red', 'green', 'blue']);
    expect(r.results[0]!.score).toBeCloseTo(1, 6);
  });

  it('sentence-aware: scores are 1/2 whole + 1/2 mean of the sentences, with each sentence kept per photo', async () => {
    const d = deps();
    const r = await search({ kind: 'text', text: 'A red thing. Something green. Not blue!', contextLength: 248, sentences: true }, null, d);
    expect(d.calls).toEqual([['A red thing. Something green. Not blue!', 'A red thing.', 'Something green.', 'Not blue!']]);
    expect(r.sentences!.map((s) => s.text)).toEqual(['A red thing.', 'Something green.', 'Not blue!']);
    const red = r.results.find((x) => x.hash === 'red')!;
    const whole = normalized([1, 1, 1]);
    expect(red.sentenceScores).toEqual([1, 0, 0]);
    expect(red.score).toBeCloseTo(0.5 * whole[0]! + 0.5 * (1 / 3), 6);
    // The library's spread per sentence: "red" is one photo of four at 1, "mix" scores 1/sqrt 2.
    expect(r.sentences![0]!.mean).toBeCloseTo((1 + Math.SQRT1_2) / 4, 6);
  });

  it('a single sentence is scored as the whole text', async () => {
    const r = await search({ kind: 'text', text: 'Only red here', contextLength: 248, sentences: true }, null, deps());
    expect(r.sentences).toBeNull();
    expect(r.results[0]!.sentenceScores).toBeUndefined();
  });

  it('weighted terms add and subtract unit embeddings of texts and photos', async () => {
    const d = deps();
    const r = await search(
      {
        kind: 'terms',
        terms: [
          { kind: 'text', text: 'red', weight: 1 },
          { kind: 'photo', hash: 'green', weight: 1 },
          { kind: 'text', text: 'blue', weight: -2 },
        ],
        contextLength: 77,
      },
      null,
      d,
    );
    expect(d.calls).toEqual([['red', 'blue']]);
    expect(r.results.map((x) => x.hash)).toEqual(['mix', 'red', 'green', 'blue']);
    expect(r.results[3]!.score).toBeCloseTo(-2 / Math.sqrt(6), 6);
  });

  it('refuses a photo that is not indexed, and terms that cancel out', async () => {
    await expect(search({ kind: 'photo', hash: 'nope' }, null, deps())).rejects.toThrow('not indexed');
    await expect(
      search(
        {
          kind: 'terms',
          terms: [
            { kind: 'text', text: 'red', weight: 1 },
            { kind: 'text', text: 'red', weight: -1 },
          ],
          contextLength: 248,
        },
        null,
        deps(),
      ),
    ).rejects.toThrow('cancels itself out');
  });

  it('keeps the query: pages continue the ranking, a filter ranks only its photos, new photos are scored without encoding again', async () => {
    const d = deps();
    const q = await queryVector({ kind: 'text', text: 'red and a bit of green', contextLength: 248, sentences: false }, d);
    expect(d.calls).toHaveLength(1);
    const all = rankedPage(d.matrix, q, { offset: 0, limit: null, only: null });
    expect(all.total).toBe(4);
    const first = rankedPage(d.matrix, q, { offset: 0, limit: 2, only: null });
    const second = rankedPage(d.matrix, q, { offset: 2, limit: 2, only: null });
    expect([...first.results, ...second.results]).toEqual(all.results);
    expect(rankedPage(d.matrix, q, { offset: 4, limit: 2, only: null }).results).toEqual([]);
    const only = d.matrix.rowMask(['blue', 'green', 'unknown']);
    const filtered = rankedPage(d.matrix, q, { offset: 0, limit: 10, only });
    expect(filtered.total).toBe(2);
    expect(filtered.results.map((r) => r.hash)).toEqual(['green', 'blue']);

    d.matrix.add('orange', [1, 0.5, 0]);
    d.matrix.add('navy', [0, 0, 0.5]);
    const added = rescored(d.matrix, q, ['navy', 'orange', 'not-indexed']);
    expect(added.map((r) => r.hash)).toEqual(['orange', 'navy']);
    expect(d.calls).toHaveLength(1);
    // Each new photo's score is the one a new search gives it.
    const again = rankedPage(d.matrix, q, { offset: 0, limit: null, only: null });
    for (const r of added) expect(again.results.find((x) => x.hash === r.hash)!.score).toBe(r.score);
    expect(again.total).toBe(6);
  });
});

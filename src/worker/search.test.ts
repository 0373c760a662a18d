import { describe, expect, it } from 'vitest';
import { EmbeddingMatrix, normalized } from '../engine/rank';
import type { Query } from './protocol';
import { EmptyTextCache } from './empty-text';
import { queryVector, rankedPage, rescored, videoMoments, type SearchDeps } from './search';

// Photos along the axes of a 3-d space; a text's embedding is looked up by its words.
const photos: Record<string, number[]> = { red: [1, 0, 0], green: [0, 1, 0], blue: [0, 0, 1], mix: [1, 1, 0] };
const words: Record<string, number[]> = { red: [1, 0, 0], green: [0, 1, 0], blue: [0, 0, 1] };

function deps(library: Record<string, number[]> = photos): SearchDeps & { calls: string[][] } {
  const matrix = new EmbeddingMatrix(3, 8, { prefilter: 'never' });
  for (const [k, v] of Object.entries(library)) matrix.add(k, v);
  const calls: string[][] = [];
  const cache = new EmptyTextCache();
  return {
    matrix,
    calls,
    // The empty text leans a little towards blue: a blue photo's baseline is higher.
    emptyText: () => cache.scoresFor(matrix, async () => new Float32Array([0.2, 0.2, 1])),
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
  return { ...rankedPage(d.matrix, q, { offset: 0, limit, only: null, matchesOnly: false }), sentences: q.sentences };
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
    const all = rankedPage(d.matrix, q, { offset: 0, limit: null, only: null, matchesOnly: false });
    expect(all.total).toBe(4);
    const first = rankedPage(d.matrix, q, { offset: 0, limit: 2, only: null, matchesOnly: false });
    const second = rankedPage(d.matrix, q, { offset: 2, limit: 2, only: null, matchesOnly: false });
    expect([...first.results, ...second.results]).toEqual(all.results);
    expect(rankedPage(d.matrix, q, { offset: 4, limit: 2, only: null, matchesOnly: false }).results).toEqual([]);
    const only = d.matrix.rowMask(['blue', 'green', 'unknown']);
    const filtered = rankedPage(d.matrix, q, { offset: 0, limit: 10, only, matchesOnly: false });
    expect(filtered.total).toBe(2);
    expect(filtered.results.map((r) => r.hash)).toEqual(['green', 'blue']);

    d.matrix.add('orange', [1, 0.5, 0]);
    d.matrix.add('navy', [0, 0, 0.5]);
    const added = rescored(d.matrix, q, ['navy', 'orange', 'not-indexed']);
    expect(added.map((r) => r.hash)).toEqual(['orange', 'navy']);
    expect(d.calls).toHaveLength(1);
    // Each new photo's score is the one a new search gives it.
    const again = rankedPage(d.matrix, q, { offset: 0, limit: null, only: null, matchesOnly: false });
    for (const r of added) expect(again.results.find((x) => x.hash === r.hash)!.score).toBe(r.score);
    expect(again.total).toBe(6);
  });

  it('relevance: standard deviations above the baseline; with matchesOnly a page holds only the matches, and new matches join them', async () => {
    // Thirty greenish photos with a little of everything, and one red one.
    const library: Record<string, number[]> = { red: [1, 0.1, 0.1] };
    for (let i = 0; i < 30; i++) library[`g${i}`] = [0.05 * (i % 3), 1, 0.1 * (i % 5)];
    const d = deps(library);
    const q = await queryVector({ kind: 'text', text: 'red', contextLength: 248, sentences: false }, d);
    expect(d.calls).toEqual([['red']]);
    const all = rankedPage(d.matrix, q, { offset: 0, limit: null, only: null, matchesOnly: false });
    expect(all).toMatchObject({ total: 31, matches: 1, ranked: 31 });
    const red = all.results[0]!;
    expect(red.hash).toBe('red');
    const cos = (v: number[], w: number[]) => {
      const [a, b] = [normalized(v), normalized(w)];
      return a.reduce((s, x, i) => s + x * b[i]!, 0);
    };
    // Measured by the other photos' spread (the red one left out).
    const others = Object.entries(library)
      .filter(([k]) => k !== 'red')
      .map(([, v]) => cos(v, [1, 0, 0]));
    const mean = others.reduce((a, b) => a + b) / others.length;
    const std = Math.sqrt(others.reduce((a, b) => a + (b - mean) ** 2, 0) / others.length);
    expect(Math.abs(red.relevance / ((cos(library.red!, [1, 0, 0]) - cos(library.red!, [0.2, 0.2, 1])) / std) - 1)).toBeLessThan(1e-3);
    expect(all.results.slice(1).every((r) => r.relevance < 2)).toBe(true);
    const matches = rankedPage(d.matrix, q, { offset: 0, limit: 10, only: null, matchesOnly: true });
    expect(matches).toMatchObject({ total: 1, matches: 1, ranked: 31 });
    expect(matches.results.map((r) => r.hash)).toEqual(['red']);
    // A filter without the red photo: no matches among what it lets through.
    const only = d.matrix.rowMask(['g1', 'g2']);
    expect(rankedPage(d.matrix, q, { offset: 0, limit: 10, only, matchesOnly: true })).toMatchObject({ results: [], total: 0, matches: 0, ranked: 2 });

    d.matrix.add('crimson', [1, 0.05, 0.05]);
    const [crimson] = rescored(d.matrix, q, ['crimson']);
    expect(crimson!.relevance).toBeGreaterThanOrEqual(2);
    const again = rankedPage(d.matrix, q, { offset: 0, limit: 10, only: null, matchesOnly: true });
    expect(again.results.map((r) => r.hash)).toEqual(['crimson', 'red']);
    expect(again.matches).toBe(2);
  });

  it('a photo query is measured from the library mean, so the photo itself is a match', async () => {
    const library: Record<string, number[]> = { red: [1, 0.1, 0.1] };
    for (let i = 0; i < 30; i++) library[`g${i}`] = [0.05 * (i % 3), 1, 0.1 * (i % 5)];
    const d = deps(library);
    const q = await queryVector({ kind: 'photo', hash: 'red' }, d);
    expect(q.relevance.emptyText).toBeNull();
    const page = rankedPage(d.matrix, q, { offset: 0, limit: null, only: null, matchesOnly: true });
    expect(page.results.map((r) => r.hash)).toEqual(['red']);
    const others = d.matrix
      .keyList()
      .filter((k) => k !== 'red')
      .map((k) => d.matrix.score(k, d.matrix.get('red')!)!);
    const mean = others.reduce((a, b) => a + b) / others.length;
    const std = Math.sqrt(others.reduce((a, b) => a + (b - mean) ** 2, 0) / others.length);
    expect(page.results[0]!.relevance).toBeCloseTo((1 - mean) / std, 3);
  });
});

describe('videos', () => {
  // A video "v" whose frames go from green to blue, beside the photos.
  const library = { ...photos, 'v@0': [0, 1, 0.1], 'v@1000': [0.1, 0.2, 1], 'v@2000': [0, 0.9, 0.4] };

  it('a video is ranked once, at its best frame, with that moment; counts are of photos and videos', async () => {
    const d = deps(library);
    const r = await search({ kind: 'text', text: 'blue', contextLength: 248, sentences: false }, null, d);
    expect(r.results.map((x) => x.hash).slice(0, 2)).toEqual(['blue', 'v']);
    expect(r.results).toHaveLength(5);
    const video = r.results.filter((x) => x.hash === 'v');
    expect(video).toHaveLength(1);
    expect(video[0]!.moment).toEqual({ frame: 'v@1000', ms: 1000 });
    expect(video[0]!.score).toBeCloseTo(d.matrix.score('v@1000', [0, 0, 1])!, 6);
    expect(r.total).toBe(5);
    expect(r.ranked).toBe(5);
    const green = await search({ kind: 'text', text: 'green', contextLength: 248, sentences: false }, null, d);
    expect(green.results.find((x) => x.hash === 'v')!.moment!.ms).toBe(0);
  });

  it('a filter naming a video lets its frames through; More like this from a frame', async () => {
    const d = deps(library);
    const q = await queryVector({ kind: 'photo', hash: 'v@2000' }, d);
    const page = rankedPage(d.matrix, q, { offset: 0, limit: null, only: d.matrix.rowMask(['v', 'red']), matchesOnly: false });
    expect(page.results.map((x) => x.hash)).toEqual(['v', 'red']);
    expect(page.results[0]!.moment!.frame).toBe('v@2000');
    expect(page.ranked).toBe(2);
  });

  it('frames indexed later move the video to its new best moment', async () => {
    const d = deps({ ...photos, 'v@0': [0, 1, 0.1] });
    const q = await queryVector({ kind: 'text', text: 'blue', contextLength: 248, sentences: false }, d);
    d.matrix.add('v@1000', [0.1, 0.2, 1]);
    const [video] = rescored(d.matrix, q, ['v']);
    expect(video!.moment!.ms).toBe(1000);
    const page = rankedPage(d.matrix, q, { offset: 0, limit: null, only: null, matchesOnly: false });
    expect(page.results.filter((x) => x.hash === 'v').map((x) => x.moment!.ms)).toEqual([1000]);
    expect(page.total).toBe(5);
  });

  it("a video's moments: its best frame, and the others that are matches, in time order", async () => {
    const d = deps(library);
    const q = await queryVector({ kind: 'text', text: 'green', contextLength: 248, sentences: false }, d);
    const moments = videoMoments(d.matrix, q, 'v');
    expect(moments.map((m) => m.ms)).toEqual(moments.map((m) => m.ms).sort((a, b) => a - b));
    expect(moments.some((m) => m.ms === 0)).toBe(true);
    expect(moments.every((m, i) => m.ms === 0 || m.relevance >= 2 || i === 0)).toBe(true);
    expect(moments.find((m) => m.ms === 0)!.score).toBeCloseTo(d.matrix.score('v@0', [0, 1, 0])!, 6);
    expect(videoMoments(d.matrix, q, 'red')).toEqual([]);
  });

  it('a whole video as a query term (More like this, +photo:) stands for the mean of its frames', async () => {
    const d = deps(library);
    const q = await queryVector({ kind: 'terms', terms: [{ kind: 'photo', hash: 'v', weight: 1 }], contextLength: 248 }, d);
    const frames = ['v@0', 'v@1000', 'v@2000'].map((k) => d.matrix.get(k)!);
    const sum = [0, 1, 2].map((i) => frames.reduce((s, f) => s + f[i]!, 0));
    const expected = normalized(sum);
    expect(Array.from(q.vector)).toEqual(Array.from(expected).map((x) => expect.closeTo(x, 5)));
    const page = rankedPage(d.matrix, q, { offset: 0, limit: 1, only: null, matchesOnly: false });
    expect(page.results[0]!.hash).toBe('v');
  });

  it("a video counts once in the query's spread, by its best frame, however many frames it has", async () => {
    const many: Record<string, number[]> = { ...photos };
    for (let i = 0; i < 50; i++) many[`long@${i * 1000}`] = [0, 0.1, 1];
    const d = deps(many);
    const q = await queryVector({ kind: 'text', text: 'red', contextLength: 248, sentences: false }, d);
    expect(q.relevance.spread.count).toBe(5);
    const single = deps({ ...photos, 'long@0': [0, 0.1, 1] });
    const alone = await queryVector({ kind: 'text', text: 'red', contextLength: 248, sentences: false }, single);
    expect(q.relevance.spread.mean).toBeCloseTo(alone.relevance.spread.mean, 6);
    expect(q.relevance.spread.std).toBeCloseTo(alone.relevance.spread.std, 6);
    const all = { offset: 0, limit: null, only: null, matchesOnly: false };
    const red = rankedPage(d.matrix, q, all).results.find((r) => r.hash === 'red')!;
    const redAlone = rankedPage(single.matrix, alone, all).results.find((r) => r.hash === 'red')!;
    expect(red.relevance).toBeCloseTo(redAlone.relevance, 5);
  });
});

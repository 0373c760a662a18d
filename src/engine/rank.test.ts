import { describe, expect, test } from 'vitest';
import { EmbeddingMatrix, normalized, type EmbeddingMatrixOptions } from './rank';

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => (s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31 - 0.5);
}

/** Brute force: every row scored in float32, sorted by score, ties by lower row. */
function bruteForce(vectors: ArrayLike<number>[], query: ArrayLike<number>) {
  const qn = normalized(query);
  return vectors
    .map((v, i) => ({ i, key: `k${i}`, score: Math.fround(normalized(v).reduce((s, x, k) => s + x * qn[k]!, 0)) }))
    .sort((a, b) => b.score - a.score || a.i - b.i);
}

/**
 * The ranking `got` equals `expected` (the float32 brute force) but for order among rows whose
 * float32 scores differ by less than `tolerance`: the row at each place has the float32 score
 * of that place, within the tolerance, and its score is within it too. (The matrix keeps rows
 * quantised: at 512 dims a cosine is off by about 1e-6, more at the few dims used here.)
 */
function expectRanking(got: { key: string; score: number }[], all: { key: string; score: number }[], limit: number | null, tolerance: number) {
  const byKey = new Map(all.map((r) => [r.key, r.score]));
  const expected = all.slice(0, limit ?? undefined);
  expect(got).toHaveLength(expected.length);
  expect(new Set(got.map((r) => r.key)).size).toBe(got.length);
  got.forEach((r, i) => {
    expect(Math.abs(byKey.get(r.key)! - expected[i]!.score), `place ${i}: ${r.key} for ${expected[i]!.key}`).toBeLessThan(tolerance);
    expect(Math.abs(r.score - byKey.get(r.key)!)).toBeLessThan(tolerance);
  });
}

const MODES: EmbeddingMatrixOptions['prefilter'][] = ['auto', 'always', 'never'];

describe('EmbeddingMatrix', () => {
  test.each(MODES)('ranks by cosine, best first, and agrees with a brute-force sort for any limit (prefilter %s)', (prefilter) => {
    const m = new EmbeddingMatrix(16, 2, { prefilter });
    const vectors = Array.from({ length: 300 }, (_, i) => random(16, i + 1));
    vectors.forEach((v, i) => m.add(`k${i}`, v));
    const q = random(16, 999);
    const expected = bruteForce(vectors, q);
    for (const limit of [1, 5, 50, 299, 300, 400, null]) {
      expectRanking(m.rank(q, limit), expected, limit, 2e-5);
    }
    expect(m.rank(q, 0)).toEqual([]);
  });

  test('replacing a key keeps one row; get returns the unit vector (within the quantisation)', () => {
    const m = new EmbeddingMatrix(3);
    m.add('a', [3, 0, 0]);
    m.add('a', [0, 2, 0]);
    expect(m.size).toBe(1);
    expect(Array.from(m.get('a')!)).toEqual([0, 1, 0]); // exact: 1 is a whole int8 step
    expect(m.get('b')).toBeNull();
    expect(() => m.add('c', [1, 2])).toThrow(/2 values/);
    expect(() => m.rank([1, 2])).toThrow(/2 values/);
  });

  // The int8 prefilter must give exactly the full scan's results (same scores, same order),
  // also on data made to crowd its error bound; both equal float32's but for near-ties.
  const datasets: [string, number, (i: number) => Float32Array][] = [
    ['random, 64 dims', 64, (i) => random(64, i + 7)],
    ['random, 37 dims (not a multiple of 16)', 37, (i) => random(37, i + 7)],
    [
      'clustered: every vector near one direction',
      48,
      (i) => {
        const v = random(48, i + 3);
        for (let k = 0; k < 48; k++) v[k] = 1 + 0.002 * v[k]!;
        return v;
      },
    ],
    [
      'one dominant dimension (coarse int8 steps), duplicates and zero vectors',
      32,
      (i) => {
        if (i % 97 === 0) return new Float32Array(32);
        const v = random(32, (i % 1000) + 11); // rows i and i + 1000 are equal: exact ties
        v[5] = 40 * (v[5]! + 0.6);
        return v;
      },
    ],
  ];
  test.each(datasets)("the int8 prefilter gives the full scan's ranking exactly, and float32's but for near-ties: %s", (_, dim, make) => {
    const n = 6000;
    const vectors = Array.from({ length: n }, (_row, i) => make(i));
    const fast = new EmbeddingMatrix(dim, 4, { prefilter: 'always' }); // grows its memory on the way
    const float = new EmbeddingMatrix(dim, 4, { prefilter: 'never' });
    expect((fast as unknown as { rowsStore: { fast: boolean } }).rowsStore.fast, 'WebAssembly SIMD is there: the int8 path is the one tested').toBe(true);
    vectors.forEach((v, i) => {
      fast.add(`k${i}`, v);
      float.add(`k${i}`, v);
    });
    for (let t = 0; t < 4; t++) {
      const q = t === 3 ? vectors[1234]! : make(n + 17 * t);
      const expected = bruteForce(vectors, q);
      for (const limit of [1, 10, 50, 500]) {
        const got = fast.rank(q, limit);
        expect(got).toEqual(float.rank(q, limit));
        expectRanking(got, expected, limit, 2e-5);
      }
    }
  });

  test('ties go to the lower row, replaced rows are re-quantised', () => {
    const dim = 24;
    const m = new EmbeddingMatrix(dim, 8, { prefilter: 'always' });
    for (let i = 0; i < 5000; i++) m.add(`k${i}`, random(dim, (i % 2500) + 1));
    const q = random(dim, 2 + 4);
    const top = m.rank(q, 4);
    expect(top.map((r) => r.key).slice(0, 2)).toEqual(['k5', 'k2505']); // row 5 is the query itself; row 2505 equals it
    expect(top[0]!.score).toBe(top[1]!.score);
    m.add('k5', random(dim, 4242)); // replace: no longer the best
    const again = m.rank(q, 2);
    expect(again[0]!.key).toBe('k2505');
    expect(again[1]!.key).not.toBe('k5');
    expect(m.rank(random(dim, 4242), 1)[0]!.key).toBe('k5');
  });

  test('scoreAll gives every row its cosine in row order, as rank does', () => {
    const dim = 16;
    const m = new EmbeddingMatrix(dim, 2, { prefilter: 'never' });
    for (let i = 0; i < 40; i++) m.add(`k${i}`, random(dim, i + 1));
    const q = random(dim, 99);
    const all = m.scoreAll(q);
    expect(all).toHaveLength(40);
    for (const r of m.rank(q)) expect(all[m.rowOf(r.key)!]).toBe(r.score);
    expect(m.rowOf('nope')).toBeUndefined();
  });

  test('relevance: the spread of every cosine and the rows above their baseline, the same from the int8 scan as from exact scores', () => {
    const n = 5000;
    const exact = new EmbeddingMatrix(64, n, { prefilter: 'never' });
    const fast = new EmbeddingMatrix(64, n, { prefilter: 'always' });
    for (let i = 0; i < n; i++) {
      const v = random(64, i + 7);
      exact.add(`k${i}`, v);
      fast.add(`k${i}`, v);
    }
    const query = random(64, 99_999);
    const scores = exact.scoreAll(query);
    const mean = scores.reduce((a, b) => a + b, 0) / n;
    const std = Math.sqrt(scores.reduce((a, b) => a + (b - mean) ** 2, 0) / n);
    const baseline = Float32Array.from({ length: n }, (_, r) => (r % 2 ? mean : mean - std));
    const a = exact.relevance(query, baseline, 2);
    const b = fast.relevance(query, baseline, 2);
    expect(a.spread.count).toBe(n);
    expect(a.spread.mean).toBeCloseTo(mean, 6);
    expect(a.spread.std).toBeCloseTo(std, 6);
    expect(Math.abs(b.spread.mean - mean)).toBeLessThan(2e-3);
    expect(Math.abs(b.spread.std - std)).toBeLessThan(2e-3);
    // Each row against the others: their mean and standard deviation without it.
    const others = (r: number) => {
      const rest = Array.from(scores).filter((_, i) => i !== r);
      const m = rest.reduce((x, y) => x + y, 0) / rest.length;
      return { m, sd: Math.sqrt(rest.reduce((x, y) => x + (y - m) ** 2, 0) / rest.length) };
    };
    const expected = Array.from(scores, (s, r): number => (s >= baseline[r]! + 2 * others(r).sd ? 1 : 0));
    expect(Array.from(a.matches)).toEqual(expected);
    expect(a.count).toBe(expected.reduce((x, y) => x + y, 0));
    expect(a.count).toBeGreaterThan(50);
    // The int8 scan's spread is off by its error bound; the matches differ only where that moves the threshold.
    let differ = 0;
    for (let r = 0; r < n; r++) if (a.matches[r] !== b.matches[r]) differ++;
    expect(differ).toBeLessThan(5);
    // Without a baseline, a row is measured from the others' mean.
    const z = exact.relevance(query, null, 2);
    expect(Array.from(z.matches)).toEqual(
      Array.from(scores, (s, r) => {
        const { m, sd } = others(r);
        return s >= m + 2 * sd ? 1 : 0;
      }),
    );
  });
});

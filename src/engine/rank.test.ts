import { describe, expect, test } from 'vitest';
import { EmbeddingMatrix, normalized } from './rank';

function random(n: number, seed: number): Float32Array {
  let s = seed;
  return Float32Array.from({ length: n }, () => ((s = (s * 1103515245 + 12345) % 2 ** 31) / 2 ** 31) - 0.5);
}

describe('EmbeddingMatrix', () => {
  test('ranks by cosine, best first, and agrees with a brute-force sort for any limit', () => {
    const m = new EmbeddingMatrix(16, 2);
    const vectors = Array.from({ length: 300 }, (_, i) => random(16, i + 1));
    vectors.forEach((v, i) => m.add(`k${i}`, v));
    const q = random(16, 999);
    const qn = normalized(q);
    const expected = vectors
      .map((v, i) => ({ key: `k${i}`, score: normalized(v).reduce((s, x, k) => s + x * qn[k]!, 0) }))
      .sort((a, b) => b.score - a.score);
    for (const limit of [1, 5, 50, null]) {
      const got = m.rank(q, limit);
      expect(got.map((r) => r.key)).toEqual(expected.slice(0, limit ?? undefined).map((r) => r.key));
      got.forEach((r, i) => expect(r.score).toBeCloseTo(expected[i]!.score, 5));
    }
  });

  test('replacing a key keeps one row; get returns the unit vector', () => {
    const m = new EmbeddingMatrix(3);
    m.add('a', [3, 0, 0]);
    m.add('a', [0, 2, 0]);
    expect(m.size).toBe(1);
    expect(Array.from(m.get('a')!)).toEqual([0, 1, 0]);
    expect(m.get('b')).toBeNull();
    expect(() => m.add('c', [1, 2])).toThrow(/2 values/);
  });
});

// The library-scale ranking test of issue 12: a seeded library of 300,000 unit vectors of 512
// dimensions (LongCLIP-B's), ranked by the quantised matrix with its int8 prefilter, against
// float32 scores of every row computed here.
import { describe, expect, test } from 'vitest';
import { EmbeddingMatrix, normalized } from './rank';
import { Rng } from './testing/fuzz';

const N = 300_000;
const DIM = 512;
const TOP = 50;
/** Order may differ only among photos whose float32 scores differ by less than this. */
const TIE = 1e-4;

/** A roughly Gaussian value from a seeded generator (a sum of three uniforms). */
function generator(seed: number) {
  const rng = new Rng(seed);
  return () => rng.next() + rng.next() + rng.next() - 1.5;
}

describe('EmbeddingMatrix at 300k photos', () => {
  test('the top 50 equal the exact float32 ranking (but for order within 1e-4), in half the memory of float32', { timeout: 120_000 }, () => {
    const gauss = generator(12);
    // Photos cluster around a few hundred "scenes", as a library does: many near-ties near the top.
    const centres = Array.from({ length: 300 }, () => Float32Array.from({ length: DIM }, gauss));
    const data = new Float32Array(N * DIM);
    const m = new EmbeddingMatrix(DIM, N); // the worker knows the count when it loads the library
    const row = new Float32Array(DIM);
    for (let r = 0; r < N; r++) {
      const c = centres[r % centres.length]!;
      for (let d = 0; d < DIM; d++) row[d] = c[d]! + 0.6 * gauss();
      const unit = normalized(row);
      data.set(unit, r * DIM);
      m.addUnit(`p${r}`, unit);
    }
    expect(m.size).toBe(N);
    expect(m.bytes).toBeLessThan(0.55 * N * DIM * 4);

    const queries = [0, 1, 2, 3, 4].map((i) => {
      const q = Float32Array.from({ length: DIM }, gauss);
      const c = centres[i * 37]!;
      for (let d = 0; d < DIM; d++) q[d] = q[d]! * 0.5 + c[d]!;
      return normalized(q);
    });
    for (const q of queries) {
      const exact = new Float32Array(N);
      for (let r = 0; r < N; r++) {
        let s = 0;
        for (let d = 0; d < DIM; d++) s += data[r * DIM + d]! * q[d]!;
        exact[r] = s;
      }
      const order = Array.from(exact.keys())
        .sort((a, b) => exact[b]! - exact[a]! || a - b)
        .slice(0, TOP);
      const got = m.rank(q, TOP);
      expect(got).toHaveLength(TOP);
      got.forEach((r, i) => {
        const score = exact[Number(r.key.slice(1))]!;
        // The photo at place i has the i-th best float32 score (so the same photos, in float32's
        // order but among near-ties), and the score shown is float32's.
        expect(Math.abs(score - exact[order[i]!]!), `place ${i}`).toBeLessThan(TIE);
        expect(Math.abs(r.score - score)).toBeLessThan(1e-5);
      });
      // Every photo of float32's top 50 that is clear of the 50th by 1e-4 is in the result.
      const shown = new Set(got.map((r) => Number(r.key.slice(1))));
      for (const r of order) if (exact[r]! - exact[order[TOP - 1]!]! >= TIE) expect(shown.has(r)).toBe(true);
      // Pages continue the ranking.
      const page = m.rankPage(q, 25, { offset: 25 });
      expect(page.total).toBe(N);
      expect(page.results).toEqual(got.slice(25));
    }
  });
});

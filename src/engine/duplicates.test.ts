import { describe, expect, test } from 'vitest';
import { findDuplicates } from './duplicates';
import { EmbeddingMatrix } from './rank';

function random(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s * 1664525 + 1013904223) >>> 0;
    return s / 2 ** 32;
  };
}

function unit(v: number[]): number[] {
  const norm = Math.hypot(...v);
  return v.map((x) => x / norm);
}

/**
 * n unit rows around a shared direction (cosines near `shared`², as in a real library), with a
 * few near-copies of earlier rows, their cosines spread from about 0.75 to 1 so that pairs fall
 * on both sides of, and close to, any threshold.
 */
function library(n: number, dim: number, seed: number, shared = 0.7): Float32Array {
  const r = random(seed);
  const gauss = () => Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
  const mean = unit(Array.from({ length: dim }, gauss));
  const rows = new Float32Array(n * dim);
  for (let i = 0; i < n; i++) {
    const copyOf = i > 3 && r() < 0.3 ? Math.floor(r() * i) : -1;
    const v =
      copyOf >= 0
        ? ((jitter) => Array.from({ length: dim }, (_, k) => rows[copyOf * dim + k]! + (jitter * gauss()) / Math.sqrt(dim)))(0.9 * r())
        : Array.from({ length: dim }, (_, k) => shared * mean[k]! + (Math.sqrt(1 - shared * shared) * gauss()) / Math.sqrt(dim));
    rows.set(unit(v), i * dim);
  }
  return rows;
}

/** Every pair scored, components by a plain flood fill: the reference. */
function bruteForce(keys: string[], rows: Float32Array, dim: number, threshold: number): { keys: string[]; min: number; max: number }[] {
  const n = keys.length;
  const dot = (i: number, j: number) => {
    let s = 0;
    for (let k = 0; k < dim; k++) s += rows[i * dim + k]! * rows[j * dim + k]!;
    return s;
  };
  const seen = new Set<number>();
  const groups: { keys: string[]; min: number; max: number }[] = [];
  for (let start = 0; start < n; start++) {
    if (seen.has(start)) continue;
    const component = [start];
    seen.add(start);
    for (let c = 0; c < component.length; c++)
      for (let j = 0; j < n; j++)
        if (!seen.has(j) && j !== component[c] && dot(component[c]!, j) >= threshold) {
          seen.add(j);
          component.push(j);
        }
    if (component.length < 2) continue;
    component.sort((a, b) => a - b);
    let min = Infinity;
    let max = -Infinity;
    for (let x = 0; x < component.length; x++)
      for (let y = x + 1; y < component.length; y++) {
        const s = dot(component[x]!, component[y]!);
        min = Math.min(min, s);
        max = Math.max(max, s);
      }
    groups.push({ keys: component.map((i) => keys[i]!), min, max });
  }
  return groups;
}

const noYield = { yieldToEvents: async () => {} };

function byFirstKey(groups: { keys: string[] }[]): string[][] {
  return groups.map((g) => g.keys).sort((a, b) => (a[0]! < b[0]! ? -1 : 1));
}

describe('findDuplicates', () => {
  test.each([
    { n: 203, dim: 64, threshold: 0.95 },
    { n: 150, dim: 37, threshold: 0.9 },
    { n: 120, dim: 128, threshold: 0.5 },
    { n: 97, dim: 16, threshold: 0.8 },
  ])('finds the same groups as scoring every pair ($n x $dim, threshold $threshold)', async ({ n, dim, threshold }) => {
    const rows = library(n, dim, n + dim);
    const keys = Array.from({ length: n }, (_, i) => `p${String(i).padStart(3, '0')}`);
    const expected = bruteForce(keys, rows, dim, threshold);
    expect(expected.length).toBeGreaterThan(0);
    const groups = await findDuplicates(keys, rows, dim, { threshold, blockRows: 16, ...noYield });
    expect(byFirstKey(groups)).toEqual(byFirstKey(expected));
    for (const g of groups) {
      const ref = expected.find((e) => e.keys[0] === g.keys[0])!;
      expect(g.minSimilarity).toBeCloseTo(ref.min, 5);
      expect(g.maxSimilarity).toBeCloseTo(ref.max, 5);
      expect(g.maxSimilarity).toBeGreaterThanOrEqual(threshold);
    }
  });

  test('links single-link chains, and reports the lowest pair inside even when it is below the threshold', async () => {
    // a-b and b-c at cos 0.96, a-c at about 0.84: one group.
    const angle = Math.acos(0.96);
    const at = (t: number) => [Math.cos(t), Math.sin(t), 0];
    const rows = new Float32Array([...at(0), ...at(angle), ...at(2 * angle), 0, 0, 1]);
    const [group, ...rest] = await findDuplicates(['a', 'b', 'c', 'd'], rows, 3, { threshold: 0.95, ...noYield });
    expect(rest).toEqual([]);
    expect(group!.keys).toEqual(['a', 'b', 'c']);
    expect(group!.maxSimilarity).toBeCloseTo(0.96, 6);
    expect(group!.minSimilarity).toBeCloseTo(Math.cos(2 * angle), 6);
  });

  test('a pair exactly at the threshold is a group, just above it is not', async () => {
    // Entries of ±1/8 over 64 dimensions: unit rows whose products and sums are exact in any order.
    // They differ in the first 8 dimensions only (the first bound's), so the bound on the rest is tight.
    const a = Array.from({ length: 64 }, () => 1 / 8);
    const b = a.map((x, k) => (k < 8 ? -x : x));
    const rows = new Float32Array([...library(30, 64, 5), ...a, ...b]);
    const keys = [...Array.from({ length: 30 }, (_, i) => `r${i}`), 'a', 'b'];
    const at = await findDuplicates(keys, rows, 64, { threshold: 0.75, ...noYield });
    expect(at.find((g) => g.keys.includes('a'))?.keys).toContain('b');
    const above = await findDuplicates(keys, rows, 64, { threshold: 0.75 + 1e-9, ...noYield });
    expect(above.find((g) => g.keys.includes('a'))?.keys ?? []).not.toContain('b');
  });

  test('sorts by size, then by the highest similarity', async () => {
    const e = (i: number, dim = 6) => Array.from({ length: dim }, (_, k) => (k === i ? 1 : 0));
    const near = (i: number, j: number, c: number) => e(i).map((x, k) => c * x + Math.sqrt(1 - c * c) * (k === j ? 1 : 0));
    const rows = new Float32Array([...e(0), ...near(0, 5, 0.97), ...e(1), ...near(1, 5, 0.99), ...e(2), ...near(2, 3, 0.98), ...near(2, 4, 0.98)]);
    const groups = await findDuplicates(['a', 'a2', 'b', 'b2', 'c', 'c2', 'c3'], rows, 6, { threshold: 0.95, ...noYield });
    expect(groups.map((g) => g.keys)).toEqual([
      ['c', 'c2', 'c3'],
      ['b', 'b2'],
      ['a', 'a2'],
    ]);
  });

  test('reports progress up to all pairs, yields between blocks and stops when aborted', async () => {
    const n = 300;
    const rows = library(n, 32, 3);
    const keys = Array.from({ length: n }, (_, i) => String(i));
    const seen: [number, number][] = [];
    let yields = 0;
    await findDuplicates(keys, rows, 32, {
      threshold: 0.9,
      blockRows: 32,
      yieldEveryMs: 0,
      yieldToEvents: async () => void yields++,
      onProgress: (d, t) => seen.push([d, t]),
    });
    expect(yields).toBeGreaterThanOrEqual(Math.ceil(n / 32));
    for (let i = 1; i < seen.length; i++) expect(seen[i]![0]).toBeGreaterThanOrEqual(seen[i - 1]![0]);
    const [done, total] = seen.at(-1)!;
    expect(done).toBe(total);
    expect(total).toBeGreaterThanOrEqual((n * (n - 1)) / 2);

    const controller = new AbortController();
    let blocks = 0;
    const run = findDuplicates(keys, rows, 32, {
      threshold: 0.9,
      blockRows: 32,
      signal: controller.signal,
      onProgress: () => {
        if (++blocks === 2) controller.abort(new Error('stop'));
      },
      ...noYield,
    });
    await expect(run).rejects.toThrow('stop');
    expect(blocks).toBe(2);
  });

  test('yields to other tasks by default, so a cancel arriving as a message stops it', async () => {
    const n = 600;
    const rows = library(n, 64, 9);
    const keys = Array.from({ length: n }, (_, i) => String(i));
    const controller = new AbortController();
    // Runs only if the comparison lets the event loop turn before it ends.
    setTimeout(() => controller.abort(new Error('cancelled')), 0);
    await expect(findDuplicates(keys, rows, 64, { threshold: 0.5, blockRows: 16, yieldEveryMs: 0, signal: controller.signal })).rejects.toThrow('cancelled');
  });

  test('nothing to group: no rows, one row, rows far apart', async () => {
    expect(await findDuplicates([], new Float32Array(0), 8, { threshold: 0.9 })).toEqual([]);
    expect(await findDuplicates(['a'], new Float32Array([1, 0]), 2, { threshold: 0.9 })).toEqual([]);
    expect(await findDuplicates(['a', 'b'], new Float32Array([1, 0, 0, 1]), 2, { threshold: 0.9 })).toEqual([]);
  });

  test('refuses a threshold out of range and rows that do not fit the keys', async () => {
    await expect(findDuplicates(['a'], new Float32Array(2), 2, { threshold: Number.NaN })).rejects.toThrow(/threshold NaN/);
    await expect(findDuplicates(['a'], new Float32Array(2), 2, { threshold: 1.5 })).rejects.toThrow(/from -1 to 1/);
    await expect(findDuplicates(['a', 'b'], new Float32Array(3), 2, { threshold: 0.9 })).rejects.toThrow(/3 values for 2 rows of 2/);
  });
});

describe('EmbeddingMatrix.rows', () => {
  test('gives the keys in row order and their packed unit rows (within the quantisation)', () => {
    const m = new EmbeddingMatrix(2, 1);
    m.add('a', [3, 4]);
    m.add('b', [0, 2]);
    const { keys, rows } = m.rows();
    expect(keys).toEqual(['a', 'b']);
    [0.6, 0.8, 0, 1].forEach((v, i) => expect(rows[i]).toBeCloseTo(v, 4));
  });
});

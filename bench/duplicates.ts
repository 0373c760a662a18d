// npm run bench:duplicates: the near-duplicate grouping (src/engine/duplicates.ts) against a
// plain all-pairs scan (every dot product in full, the same union-find), side by side, on
// 512-d unit vectors: random ones, and ones clustered around a shared direction as a real
// library's are (typical cosine about 0.56). Prints a Markdown table and, last, one JSON line.
import { findDuplicates } from '../src/engine/duplicates';
import { dotAt } from '../src/engine/rank';
import { seededRandom } from './lib/stats';

const DIM = 512;

function gauss(r: () => number): number {
  return Math.sqrt(-2 * Math.log(r() + 1e-12)) * Math.cos(2 * Math.PI * r());
}

/** n unit rows: `shared` of each along one common direction, the rest random. */
function rows(n: number, shared: number, seed: number): Float32Array {
  const r = seededRandom(seed);
  const mean = Array.from({ length: DIM }, () => gauss(r));
  const norm = Math.hypot(...mean);
  const out = new Float32Array(n * DIM);
  const v = new Float64Array(DIM);
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let k = 0; k < DIM; k++) {
      v[k] = (shared * mean[k]!) / norm + (Math.sqrt(1 - shared * shared) * gauss(r)) / Math.sqrt(DIM);
      s += v[k]! * v[k]!;
    }
    for (let k = 0; k < DIM; k++) out[i * DIM + k] = v[k]! / Math.sqrt(s);
  }
  return out;
}

/** The anchor: every pair's dot product in full; returns the number of linked pairs. */
function allPairs(data: Float32Array, n: number, threshold: number): number {
  let linked = 0;
  for (let i = 0; i < n; i++) {
    const q = data.subarray(i * DIM, (i + 1) * DIM);
    for (let j = i + 1; j < n; j++) if (dotAt(data, j * DIM, q, DIM) >= threshold) linked++;
  }
  return linked;
}

const quick = process.argv.includes('--quick');
const sizes = quick ? [5000] : [10000, 20000];
const cases: { name: string; shared: number; threshold: number }[] = [
  { name: 'random', shared: 0, threshold: 0.95 },
  { name: 'clustered', shared: 0.75, threshold: 0.95 },
  { name: 'clustered', shared: 0.75, threshold: 0.9 },
];
const results: Record<string, { grouping_ms: number; all_pairs_ms: number; ratio: number; groups: number }> = {};
process.stderr.write('| photos | vectors | threshold | grouping | all-pairs scan | speed-up |\n| --- | --- | --- | --- | --- | --- |\n');
for (const n of sizes) {
  for (const c of cases) {
    const data = rows(n, c.shared, 1);
    const keys = Array.from({ length: n }, (_, i) => `k${i}`);
    let t = performance.now();
    const groups = await findDuplicates(keys, data, DIM, { threshold: c.threshold, yieldToEvents: async () => {} });
    const grouping = performance.now() - t;
    t = performance.now();
    allPairs(data, n, c.threshold);
    const plain = performance.now() - t;
    const key = `${n}_${c.name}_${c.threshold}`;
    results[key] = { grouping_ms: Math.round(grouping), all_pairs_ms: Math.round(plain), ratio: +(plain / grouping).toFixed(2), groups: groups.length };
    process.stderr.write(
      `| ${n} | ${c.name} | ${c.threshold} | ${(grouping / 1000).toFixed(2)} s | ${(plain / 1000).toFixed(2)} s | ${(plain / grouping).toFixed(1)}x |\n`,
    );
  }
}
process.stdout.write(`${JSON.stringify(results)}\n`);

/**
 * Near-duplicate groups: rows whose cosine is at least a threshold, joined single-link (the
 * connected components of the pairs at or above the threshold, by union-find). Every pair is
 * compared once (pair-scan.ts: a bound rules most pairs out after a few dimensions); then every
 * pair inside each group is scored for its lowest similarity, since a single-link chain can
 * hold pairs below the threshold.
 */
import { dotRange, PairScan } from './pair-scan';

export interface DuplicateGroup {
  /** Member keys, in input order. */
  keys: string[];
  /** Lowest cosine between two members (over every pair of the group: it may be below the threshold). */
  minSimilarity: number;
  /** Highest cosine between two members. */
  maxSimilarity: number;
}

export interface DuplicateOptions {
  /** Cosine at or above which two rows are linked, from -1 to 1. */
  threshold: number;
  /** Checked between blocks: the search stops with the signal's reason. */
  signal?: AbortSignal;
  /** Pairs compared so far, of all to compare (the total grows by the pairs inside groups once those are known). */
  onProgress?: (done: number, total: number) => void;
  /** Lets other work run (a cancel message); called between blocks about every `yieldEveryMs`. Default: a macrotask. */
  yieldToEvents?: () => Promise<void>;
  yieldEveryMs?: number;
  /** Rows `i` per block (tests). */
  blockRows?: number;
}

const DEFAULT_BLOCK = 64;

const macrotask = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 0));

/**
 * Groups of the `keys.length` unit rows packed in `rows` (`dim` values each) whose cosine is at
 * least `threshold`: the largest first, then the most alike. Rows linked to nothing are left out.
 */
export async function findDuplicates(keys: readonly string[], rows: Float32Array, dim: number, options: DuplicateOptions): Promise<DuplicateGroup[]> {
  const { threshold, signal, onProgress } = options;
  const n = keys.length;
  if (!Number.isInteger(dim) || dim < 1) throw new RangeError(`dimension ${dim}: expected a positive integer`);
  if (rows.length < n * dim) throw new RangeError(`${rows.length} values for ${n} rows of ${dim}`);
  if (!Number.isFinite(threshold) || threshold < -1 || threshold > 1) throw new RangeError(`similarity threshold ${threshold}: expected a number from -1 to 1`);
  const block = Math.max(1, Math.floor(options.blockRows ?? DEFAULT_BLOCK));
  const yieldToEvents = options.yieldToEvents ?? macrotask;
  const yieldEveryMs = options.yieldEveryMs ?? 25;
  let lastYield = Date.now();

  async function pause(): Promise<void> {
    signal?.throwIfAborted();
    if (Date.now() - lastYield < yieldEveryMs) return;
    await yieldToEvents();
    lastYield = Date.now();
    signal?.throwIfAborted();
  }

  const parent = new Int32Array(n);
  for (let r = 0; r < n; r++) parent[r] = r;
  const find = (r: number): number => {
    while (parent[r] !== r) {
      parent[r] = parent[parent[r]!]!;
      r = parent[r]!;
    }
    return r;
  };
  /** Highest linking similarity of each row (-Infinity: linked to nothing). */
  const best = new Float64Array(n).fill(-Infinity);
  const link = (i: number, j: number, s: number): void => {
    if (s > best[i]!) best[i] = s;
    if (s > best[j]!) best[j] = s;
    const ri = find(i);
    const rj = find(j);
    if (ri !== rj) parent[Math.max(ri, rj)] = Math.min(ri, rj);
  };

  let total = (n * (n - 1)) / 2;
  let done = 0;
  signal?.throwIfAborted();
  const scan = new PairScan(rows, n, dim, threshold);
  for (let i0 = 0; i0 < n; i0 += block) {
    const i1 = Math.min(n, i0 + block);
    scan.scanRows(i0, i1, link);
    done += ((i1 - i0) * (2 * n - i0 - i1 - 1)) / 2;
    onProgress?.(done, total);
    await pause();
  }

  const members = new Map<number, number[]>();
  for (let r = 0; r < n; r++) {
    if (best[r] === -Infinity) continue;
    const root = find(r);
    const list = members.get(root);
    if (list) list.push(r);
    else members.set(root, [r]);
  }

  for (const list of members.values()) total += (list.length * (list.length - 1)) / 2;
  onProgress?.(done, total);
  const groups: (DuplicateGroup & { first: number })[] = [];
  for (const list of members.values()) {
    // The highest pair is a link (it is at least the threshold); the lowest needs every pair.
    let min = Infinity;
    let max = -Infinity;
    for (let x = 0; x < list.length; x++) {
      const i = list[x]!;
      if (best[i]! > max) max = best[i]!;
      for (let y = x + 1; y < list.length; y++) min = Math.min(min, dotRange(rows, i * dim, list[y]! * dim, 0, dim));
      done += list.length - 1 - x;
      if (x % 64 === 63) {
        onProgress?.(done, total);
        await pause();
      }
    }
    groups.push({ keys: list.map((r) => keys[r]!), minSimilarity: Math.min(min, max), maxSimilarity: max, first: list[0]! });
  }
  onProgress?.(total, total);

  groups.sort((p, q) => q.keys.length - p.keys.length || q.maxSimilarity - p.maxSimilarity || q.minSimilarity - p.minSimilarity || p.first - q.first);
  return groups.map(({ keys: k, minSimilarity, maxSimilarity }) => ({ keys: k, minSimilarity, maxSimilarity }));
}

// Ranking: the library's embeddings of one model in one matrix, the best matches of a query
// found exactly, and the vector helpers the rest of the engine shares.
import { relevanceOf, type ScoreSpread } from './query/relevance';
import { QuantizedRows } from './quantized-rows';
import { parseFrameKey } from './video/frame-key';
import { kthLargest, topK } from './rank-select';

/** What `relevance` returns: the query's spread over the library, and the rows that are matches. */
export interface RelevanceScan {
  spread: ScoreSpread;
  /** 1 for a row whose cosine is at least `lift` standard deviations above its baseline. */
  matches: Uint8Array;
  count: number;
}

/** How an EmbeddingMatrix ranks. */
export interface EmbeddingMatrixOptions {
  /**
   * The int8 prefilter: `auto` uses it for large libraries and small limits, `always` whenever
   * WebAssembly SIMD is there (tests), `never` scores every row from both planes.
   */
  prefilter?: 'auto' | 'always' | 'never';
}

/** Below this many rows a full scan is as fast. */
const PREFILTER_MIN_ROWS = 4096;

/** What `rank` returns: a page of the ranking and how many rows it ranked. */
export interface RankPage {
  results: { key: string; score: number }[];
  /** Rows ranked: all of them, or those `only` lets through. */
  total: number;
}

export interface RankOptions {
  /** Results to skip (the pages already shown). */
  offset?: number;
  /** Only these rows are ranked (a filter), by the flags of `rowMask`. */
  only?: Uint8Array | null;
}

/**
 * Unit-length embeddings, ranked by cosine (a dot product of unit vectors). Keys are content
 * hashes, a video's frames "<hash>@<ms>" (one row each); adding an existing key replaces its vector.
 *
 * The rows are kept quantised in two int8 planes (quantized-rows.ts): 1 KiB per 512-dim photo
 * instead of 2 KiB in float32, cosines within about 1e-6 of float32's. Ranking a large library
 * for its best few does not score every row exactly: the high plane is scanned with a SIMD
 * kernel, and from its scores and a proven bound on their error, every row that could still be
 * among the best `limit` is scored from both planes; the others are provably below. Results are
 * identical to scoring every row from both planes (same scores, same order, ties by lower row).
 */
export class EmbeddingMatrix {
  private readonly rowsStore: QuantizedRows;
  private readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  /** The rows of each video's frames (keys "<video>@<ms>", video/frame-key.ts), in the order added. */
  private readonly frames = new Map<string, number[]>();
  private frameRowCount = 0;
  private readonly prefilter: 'auto' | 'always' | 'never';
  /** Scratch for exact scores, reused between calls. */
  private scores = new Float32Array(0);

  constructor(
    readonly dim: number,
    capacity = 1024,
    options: EmbeddingMatrixOptions = {},
  ) {
    this.prefilter = options.prefilter ?? 'auto';
    this.rowsStore = new QuantizedRows(dim, Math.max(1, capacity), this.prefilter !== 'never');
  }

  get size(): number {
    return this.keys.length;
  }

  /** Bytes held for the vectors. */
  get bytes(): number {
    return this.rowsStore.bytes;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** Photos and videos with rows: a video counts once, however many frames it has. */
  get itemCount(): number {
    return this.keys.length - this.frameRowCount + this.frames.size;
  }

  /** Videos with at least one frame row. */
  get videoCount(): number {
    return this.frames.size;
  }

  /** A photo's row or a video's frames are here. */
  hasItem(key: string): boolean {
    return this.index.has(key) || this.frames.has(key);
  }

  /** The rows of a video's frames (empty for a photo or an unknown key). */
  frameRows(video: string): readonly number[] {
    return this.frames.get(video) ?? [];
  }

  /** The photo keys and video hashes, in the order of their first row. */
  itemKeys(): string[] {
    const out: string[] = [];
    const seen = new Set<string>();
    for (const key of this.keys) {
      const frame = parseFrameKey(key);
      if (!frame) out.push(key);
      else if (!seen.has(frame.video)) {
        seen.add(frame.video);
        out.push(frame.video);
      }
    }
    return out;
  }

  /**
   * Row flags that let each photo through and, of each video, only its best frame for `query`
   * (ties: the earlier frame): ranking with them lists a video once, at its best moment. Only
   * frame rows are scored.
   */
  bestFrames(query: ArrayLike<number>): Uint8Array {
    const q = this.unitQuery(query);
    const mask = new Uint8Array(this.keys.length).fill(1);
    for (const rows of this.frames.values()) {
      let best = rows[0]!;
      let bestScore = -Infinity;
      for (const r of rows) {
        mask[r] = 0;
        const score = this.rowsStore.score(r, q);
        if (score > bestScore) [best, bestScore] = [r, score];
      }
      mask[best] = 1;
    }
    return mask;
  }

  /** A stored vector (unit length, within about 3e-6 per value). */
  get(key: string): Float32Array | null {
    const row = this.index.get(key);
    return row === undefined ? null : this.rowsStore.get(row);
  }

  /** The cosine of every row with `query`, in row order (rows as `rows()` lists them; each within about 1e-6). */
  scoreAll(query: ArrayLike<number>): Float32Array {
    return this.rowsStore.scoreAll(this.unitQuery(query), this.keys.length);
  }

  /** The cosine of one stored key with `query`, as `rank` scores it; null for a key not stored. */
  score(key: string, query: ArrayLike<number>): number | null {
    const row = this.index.get(key);
    return row === undefined ? null : this.rowsStore.score(row, this.unitQuery(query));
  }

  /** The keys in row order (a copy). */
  keyList(): string[] {
    return this.keys.slice();
  }

  /** The key of a row. */
  keyAt(row: number): string | undefined {
    return this.keys[row];
  }

  /** The row of a key (its place in `rows()` and `scoreAll()`), or undefined. */
  rowOf(key: string): number | undefined {
    return this.index.get(key);
  }

  /** Row flags (1: ranked) for the keys given, for `rank`'s `only` (a video's key: all its frames); unknown keys are ignored. */
  rowMask(keys: Iterable<string>): Uint8Array {
    const mask = new Uint8Array(this.keys.length);
    for (const key of keys) {
      const row = this.index.get(key);
      if (row !== undefined) mask[row] = 1;
      for (const r of this.frames.get(key) ?? []) mask[r] = 1;
    }
    return mask;
  }

  /** The keys in row order and their unit rows, packed as float32 (a copy). */
  rows(): { keys: string[]; rows: Float32Array } {
    const out = new Float32Array(this.keys.length * this.dim);
    for (let r = 0; r < this.keys.length; r++) out.set(this.rowsStore.get(r), r * this.dim);
    return { keys: this.keys.slice(), rows: out };
  }

  /** Adds (or replaces) a key's vector, made unit length here. */
  add(key: string, vector: ArrayLike<number>): void {
    this.addUnit(key, normalized(vector));
  }

  /** Adds (or replaces) a vector that is unit length already (the embedder's, the library's). */
  addUnit(key: string, unit: Float32Array): void {
    if (unit.length !== this.dim) throw new RangeError(`embedding of ${unit.length} values, the index holds ${this.dim}`);
    let row = this.index.get(key);
    if (row === undefined) {
      row = this.keys.length;
      if (row + 1 > this.rowsStore.capacity && !this.rowsStore.reserve(Math.max(row + 1, Math.ceil(this.rowsStore.capacity * 1.5))))
        throw new RangeError(`no memory for ${row + 1} embeddings`);
      this.keys.push(key);
      this.index.set(key, row);
      const frame = parseFrameKey(key);
      if (frame) {
        const rows = this.frames.get(frame.video);
        if (rows) rows.push(row);
        else this.frames.set(frame.video, [row]);
        this.frameRowCount++;
      }
    }
    this.rowsStore.set(row, unit);
  }

  /** The `limit` best keys by cosine to `query` (all of them when limit is null), best first. */
  rank(query: ArrayLike<number>, limit: number | null = null): { key: string; score: number }[] {
    return this.rankPage(query, limit).results;
  }

  /** A page of the ranking: the `limit` best after `offset` (all the rest when limit is null), and how many rows were ranked. */
  rankPage(query: ArrayLike<number>, limit: number | null, options: RankOptions = {}): RankPage {
    const q = this.unitQuery(query);
    const n = this.keys.length;
    const only = options.only ?? null;
    let total = n;
    if (only) {
      total = 0;
      for (let r = 0; r < n; r++) total += only[r] ? 1 : 0;
    }
    const offset = Math.max(0, Math.floor(options.offset ?? 0));
    const k = limit === null ? total : Math.max(0, Math.min(offset + Math.floor(limit), total));
    if (k <= offset) return { results: [], total };
    const useInt8 =
      this.rowsStore.fast && k < total && (this.prefilter === 'always' || (this.prefilter === 'auto' && n >= PREFILTER_MIN_ROWS && k * 8 < total));
    const picked = useInt8 ? this.rankInt8(q, n, k, only) : this.rankExact(q, n, k, only);
    const results: { key: string; score: number }[] = [];
    for (let i = offset; i < picked.rows.length; i++) results.push({ key: this.keys[picked.rows[i]!]!, score: picked.scores[i]! });
    return { results, total };
  }

  /**
   * The spread of every row's cosine with `query` (count, mean, standard deviation; only the rows
   * `items` flags, when given), and the rows
   * whose relevance (engine/query/relevance.ts: standard deviations of the other rows above
   * `baseline[row]`, or above their mean without a baseline) is at least `lift`. A large library
   * is scanned once from the high int8 plane; the spread is then within the plane's error bound
   * (about 1e-3), and a row that close to its threshold is scored from both planes, so the
   * matches are those of exact scores.
   */
  relevance(query: ArrayLike<number>, baseline: Float32Array | null, lift: number, items: Uint8Array | null = null): RelevanceScan {
    const q = this.unitQuery(query);
    const n = this.keys.length;
    const useInt8 = this.rowsStore.fast && this.prefilter !== 'never' && (this.prefilter === 'always' || n >= PREFILTER_MIN_ROWS);
    // The kernel's scoreAll is off by about 1e-6 from `score`: rows that close are scored as `rank` scores them.
    const { approx: scores, bound } = useInt8 ? this.rowsStore.approx(q, n) : { approx: this.rowsStore.scoreAll(q, n), bound: 1e-5 };
    // The spread is over the rows that stand for an item (`items`: a video counts once, by its best frame).
    const counted = (r: number): boolean => !items || items[r] === 1;
    let sum = 0;
    let m = 0;
    for (let r = 0; r < n; r++) {
      if (!counted(r)) continue;
      sum += scores[r]!;
      m++;
    }
    const mean = m ? sum / m : 0;
    let sq = 0;
    for (let r = 0; r < n; r++) if (counted(r)) sq += (scores[r]! - mean) ** 2;
    const spread: ScoreSpread = { count: m, mean, std: m ? Math.sqrt(sq / m) : 0 };
    const matches = new Uint8Array(n);
    let count = 0;
    for (let r = 0; r < n; r++) {
      if (!counted(r)) continue;
      const base = baseline ? baseline[r]! : null;
      let relevance = relevanceOf(scores[r]!, base, spread);
      // One deviation of the rest is about spread.std: a score within 2 bounds of the threshold is made exact.
      if (Math.abs(relevance - lift) * spread.std <= 3 * bound) relevance = relevanceOf(this.rowsStore.score(r, q), base, spread);
      if (relevance >= lift) {
        matches[r] = 1;
        count++;
      }
    }
    return { spread, matches, count };
  }

  /** Cosines of rows [from, to) with `query`, in row order. */
  scoreRows(query: ArrayLike<number>, from: number, to: number): Float32Array {
    const q = this.unitQuery(query);
    const end = Math.min(to, this.keys.length);
    if (end - from > PREFILTER_MIN_ROWS) return this.rowsStore.scoreAll(q, end).subarray(from);
    const out = new Float32Array(Math.max(0, end - from));
    for (let r = from; r < end; r++) out[r - from] = this.rowsStore.score(r, q);
    return out;
  }

  private unitQuery(query: ArrayLike<number>): Float32Array {
    if (query.length !== this.dim) throw new RangeError(`query of ${query.length} values, the index holds ${this.dim}`);
    return normalized(query);
  }

  /** Every (allowed) row scored from both planes. */
  private rankExact(q: Float32Array, n: number, k: number, only: Uint8Array | null): { rows: number[]; scores: number[] } {
    if (this.scores.length < n) this.scores = new Float32Array(Math.max(n, this.rowsStore.capacity));
    const scores = this.scores;
    const rows = this.rowsStore;
    for (let r = 0; r < n; r++) scores[r] = !only || only[r] ? rows.score(r, q) : -Infinity;
    const best = topK(scores, n, k);
    return { rows: best, scores: best.map((r) => scores[r]!) };
  }

  /** High-plane scores for all rows, exact scores for the rows that can still make the best k. */
  private rankInt8(q: Float32Array, n: number, k: number, only: Uint8Array | null): { rows: number[]; scores: number[] } {
    const { approx, bound } = this.rowsStore.approx(q, n);
    if (only) for (let r = 0; r < n; r++) if (!only[r]) approx[r] = -Infinity;
    // The k-th best approximate score T: the best k rows all score >= T - bound exactly, so the
    // k-th best exact score is >= T - bound; a row with approx < T - 2 bound is below that.
    const threshold = kthLargest(approx, n, k) - 2 * bound;
    let count = 0;
    for (let r = 0; r < n; r++) if (approx[r]! >= threshold) count++;
    const candidates = new Int32Array(count);
    for (let r = 0, c = 0; r < n; r++) if (approx[r]! >= threshold) candidates[c++] = r;
    const exact = new Float32Array(count);
    for (let c = 0; c < count; c++) exact[c] = this.rowsStore.score(candidates[c]!, q);
    // Candidates are in row order, so ties between them still go to the lower row.
    const best = topK(exact, count, k);
    return { rows: best.map((c) => candidates[c]!), scores: best.map((c) => exact[c]!) };
  }
}

export function normalized(v: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * scale;
  return out;
}

/** The dot product of `dim` values of `data` from `base` with `q` (four accumulators: V8 keeps them in registers). */
export function dotAt(data: Float32Array, base: number, q: Float32Array, dim: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let k = 0;
  for (; k + 3 < dim; k += 4) {
    const j = base + k;
    a0 += data[j]! * q[k]!;
    a1 += data[j + 1]! * q[k + 1]!;
    a2 += data[j + 2]! * q[k + 2]!;
    a3 += data[j + 3]! * q[k + 3]!;
  }
  for (; k < dim; k++) a0 += data[base + k]! * q[k]!;
  return a0 + a1 + (a2 + a3);
}

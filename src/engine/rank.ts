// Ranking: the library's embeddings of one model in one matrix, the best matches of a query
// found exactly, and the vector helpers the rest of the engine shares.
import { Int8Rows } from './rank-int8';
import { kthLargest, topK } from './rank-select';

/** How an EmbeddingMatrix ranks. */
export interface EmbeddingMatrixOptions {
  /**
   * The int8 prefilter: `auto` uses it for large libraries and small limits, `always` whenever
   * WebAssembly SIMD is there (tests), `never` scores every row in float.
   */
  prefilter?: 'auto' | 'always' | 'never';
}

/** Below this many rows a float scan is as fast. */
const PREFILTER_MIN_ROWS = 4096;

/**
 * Unit-length embeddings packed in one growing Float32Array, ranked by cosine (a dot product
 * of unit vectors). Keys are content hashes; adding an existing key replaces its vector.
 *
 * Ranking a large library for its best few is exact but does not read every float: each row
 * also has an int8 copy (one scale per row) in WebAssembly memory, scanned with a 128-bit SIMD
 * kernel (a quarter of the bytes of the float rows). From the int8 scores and a proven bound on
 * their error, every row that could still be among the best `limit` is re-scored from the float
 * rows; the others are provably below the `limit`-th float score. Results are identical to a
 * full float scan (same scores, same order, ties by lower row). Where WebAssembly SIMD is
 * missing, or the memory cannot grow, every row is scored in float.
 */
export class EmbeddingMatrix {
  private data: Float32Array;
  private capacity: number;
  private readonly keys: string[] = [];
  private readonly index = new Map<string, number>();
  private int8: Int8Rows | null;
  private readonly prefilter: 'auto' | 'always' | 'never';
  /** Scratch for float scores, reused between calls. */
  private scores = new Float32Array(0);

  constructor(
    readonly dim: number,
    capacity = 1024,
    options: EmbeddingMatrixOptions = {},
  ) {
    this.capacity = Math.max(1, capacity);
    this.data = new Float32Array(dim * this.capacity);
    this.prefilter = options.prefilter ?? 'auto';
    this.int8 = this.prefilter === 'never' ? null : Int8Rows.create(dim, this.capacity);
  }

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** A copy of a stored (unit) vector. */
  get(key: string): Float32Array | null {
    const row = this.index.get(key);
    return row === undefined ? null : this.data.slice(row * this.dim, (row + 1) * this.dim);
  }

  /** The cosine of every row with `query`, in row order (rows as `rows()` lists them). */
  scoreAll(query: ArrayLike<number>): Float32Array {
    if (query.length !== this.dim) throw new RangeError(`query of ${query.length} values, the index holds ${this.dim}`);
    const q = normalized(query);
    const n = this.keys.length;
    const out = new Float32Array(n);
    for (let r = 0, base = 0; r < n; r++, base += this.dim) out[r] = dotAt(this.data, base, q, this.dim);
    return out;
  }

  /** The row of a key (its place in `rows()` and `scoreAll()`), or undefined. */
  rowOf(key: string): number | undefined {
    return this.index.get(key);
  }

  /** The keys in row order and their unit rows, packed: a view, not a copy (a later `add` of one of these keys shows in it). */
  rows(): { keys: string[]; rows: Float32Array } {
    return { keys: this.keys.slice(), rows: this.data.subarray(0, this.keys.length * this.dim) };
  }

  /** Adds (or replaces) a key's vector, made unit length here. */
  add(key: string, vector: ArrayLike<number>): void {
    this.addUnit(key, normalized(vector));
  }

  /** Adds (or replaces) a vector that is unit length already (the embedder's, the library's): stored as it is. */
  addUnit(key: string, unit: Float32Array): void {
    if (unit.length !== this.dim) throw new RangeError(`embedding of ${unit.length} values, the index holds ${this.dim}`);
    let row = this.index.get(key);
    if (row === undefined) {
      row = this.keys.length;
      if (row + 1 > this.capacity) {
        this.capacity *= 2;
        const grown = new Float32Array(this.capacity * this.dim);
        grown.set(this.data);
        this.data = grown;
        if (this.int8 && !this.int8.reserve(this.capacity)) this.int8 = null;
      }
      this.keys.push(key);
      this.index.set(key, row);
    }
    this.data.set(unit, row * this.dim);
    this.int8?.set(row, unit);
  }

  /** The `limit` best keys by cosine to `query` (all of them when limit is null), best first. */
  rank(query: ArrayLike<number>, limit: number | null = null): { key: string; score: number }[] {
    if (query.length !== this.dim) throw new RangeError(`query of ${query.length} values, the index holds ${this.dim}`);
    const q = normalized(query);
    const n = this.keys.length;
    const k = limit === null ? n : Math.max(0, Math.min(Math.floor(limit), n));
    if (k === 0) return [];
    const useInt8 = this.int8 !== null && k < n && (this.prefilter === 'always' || (n >= PREFILTER_MIN_ROWS && k * 8 < n));
    const picked = useInt8 ? this.rankInt8(q, n, k) : this.rankFloat(q, n, k);
    return picked.rows.map((r, i) => ({ key: this.keys[r]!, score: picked.scores[i]! }));
  }

  /** Every row scored in float. */
  private rankFloat(q: Float32Array, n: number, k: number): { rows: number[]; scores: number[] } {
    if (this.scores.length < n) this.scores = new Float32Array(Math.max(n, this.capacity));
    const scores = this.scores;
    const data = this.data;
    const dim = this.dim;
    for (let r = 0, base = 0; r < n; r++, base += dim) scores[r] = dotAt(data, base, q, dim);
    const rows = topK(scores, n, k);
    return { rows, scores: rows.map((r) => scores[r]!) };
  }

  /** Int8 scores for all rows, float scores for the rows that can still make the best k. */
  private rankInt8(q: Float32Array, n: number, k: number): { rows: number[]; scores: number[] } {
    const int8 = this.int8!;
    const { approx, bound } = int8.scores(q, n);
    // The k-th best int8 score T: the best k rows all score >= T - bound in float, so the k-th
    // best float score is >= T - bound; a row with approx < T - 2 bound is below that.
    const threshold = kthLargest(approx, n, k) - 2 * bound;
    let count = 0;
    for (let r = 0; r < n; r++) if (approx[r]! >= threshold) count++;
    const candidates = new Int32Array(count);
    for (let r = 0, c = 0; r < n; r++) if (approx[r]! >= threshold) candidates[c++] = r;
    const exact = new Float32Array(count);
    const data = this.data;
    const dim = this.dim;
    for (let c = 0; c < count; c++) exact[c] = dotAt(data, candidates[c]! * dim, q, dim);
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

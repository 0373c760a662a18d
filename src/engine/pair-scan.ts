/**
 * Every pair of unit rows whose dot product is at least a threshold, a block of rows at a time.
 *
 * Most pairs of a library are far below a near-duplicate threshold, so a pair is first scored on
 * the rows minus their mean m (a.b = (a-m).(b-m) + a.m + b.m - m.m; centred rows of a real
 * library look random) over the first 1/8 of the dimensions, then 1/4 and 1/2; with the norms of what is
 * left of both rows, Cauchy-Schwarz bounds the rest, and a pair that cannot reach the threshold
 * stops there. Pairs that can are scored exactly from the rows. Where the bound rules out too
 * few pairs (a low threshold), blocks are scored directly. Either way two rows are scored against
 * four at a time, so that each value loaded serves several products.
 */

/** Rounding of the float32 centred rows is far below this: the bound never drops a pair at the threshold. */
const BOUND_SLACK = 1e-5;
/** In direct mode, every this many blocks try the bound again. */
const RETRY_PRUNING = 8;
/** Cost of a value read by `dotRange` on one pair against `dot2x4` on eight (measured: about 1.5). */
const SLOWER = 1.5;
/** Rows `j` per block: their stage-1 heads (64 floats for 512 dimensions) stay in the L1 cache. */
const JBLOCK = 64;

export class PairScan {
  private readonly centred: Float32Array;
  /** The first `stage1` centred values of each row, packed. */
  private readonly heads: Float32Array;
  private readonly offset: Float64Array;
  private readonly stage1: number;
  /** Where each later bound is checked (after stage 1), and the norm of each row past it. */
  private readonly stages: number[];
  private readonly tail1: Float64Array;
  private readonly tails: Float64Array[];
  private readonly eight = new Float64Array(8);
  private readonly cut: number;
  private direct = false;
  private blocks = 0;
  /** Pairs of this block bounded, and the values the bounds read for them. */
  private tested = 0;
  private cost = 0;

  constructor(
    private readonly rows: Float32Array,
    private readonly n: number,
    private readonly dim: number,
    private readonly threshold: number,
  ) {
    ({ centred: this.centred, offset: this.offset } = centre(rows, n, dim));
    this.stage1 = Math.min(dim, Math.max(4, Math.floor(dim / 32) * 4));
    this.stages = [Math.floor(dim / 16) * 4, Math.floor(dim / 8) * 4].filter((s) => s > this.stage1);
    this.tail1 = tailNorms(this.centred, n, dim, this.stage1);
    this.tails = this.stages.map((s) => tailNorms(this.centred, n, dim, s));
    this.heads = new Float32Array(n * this.stage1);
    for (let r = 0; r < n; r++) this.heads.set(this.centred.subarray(r * dim, r * dim + this.stage1), r * this.stage1);
    this.cut = threshold - BOUND_SLACK;
  }

  /** Calls `link(i, j, score)` for every pair i < j with i in [i0, i1) whose score is ≥ the threshold. */
  scanRows(i0: number, i1: number, link: Link): void {
    const pruning = !this.direct || this.blocks++ % RETRY_PRUNING === 0;
    this.tested = this.cost = 0;
    // Pruning scores stage 1 of the centred rows first; direct scoring, the whole rows.
    const data = pruning ? this.heads : this.rows;
    const width = pruning ? this.stage1 : this.dim;
    const { n, eight } = this;
    // Blocks of `j` a cache can hold, each read once for all the rows `i` of this block; rows
    // `i` two at a time against `j` four at a time (each value loaded serves several products).
    for (let j0 = i0; j0 < n; j0 += JBLOCK) {
      const j1 = Math.min(n, j0 + JBLOCK);
      let i = i0;
      for (; i + 1 < i1; i += 2) {
        const a = i * width;
        if (j0 <= i + 1 && i + 1 < j1) this.pair(i, i + 1, dotRange(data, a, a + width, 0, width), pruning, link);
        let j = Math.max(j0, i + 2);
        for (; j + 3 < j1; j += 4) {
          dot2x4(data, a, j * width, width, eight);
          for (let t = 0; t < 4; t++) {
            this.pair(i, j + t, eight[t]!, pruning, link);
            this.pair(i + 1, j + t, eight[4 + t]!, pruning, link);
          }
        }
        for (; j < j1; j++) {
          this.pair(i, j, dotRange(data, a, j * width, 0, width), pruning, link);
          this.pair(i + 1, j, dotRange(data, a + width, j * width, 0, width), pruning, link);
        }
      }
      if (i < i1) for (let j = Math.max(j0, i + 1); j < j1; j++) this.pair(i, j, dotRange(data, i * width, j * width, 0, width), pruning, link);
    }
    // Scoring directly reads `dim` values per pair; the bounds read stage 1, then (with a slower
    // kernel) the next stages and the whole row for the pairs that pass.
    if (pruning && this.tested > 0) this.direct = this.stage1 + (SLOWER * this.cost) / this.tested > this.dim;
  }

  /** One pair, given its whole score (direct) or the centred dot product over stage 1 (pruning). */
  private pair(i: number, j: number, partial: number, pruning: boolean, link: Link): void {
    if (!pruning) {
      if (partial >= this.threshold) link(i, j, partial);
      return;
    }
    this.tested++;
    const base = this.offset[i]! + this.offset[j]!;
    if (partial + this.tail1[i]! * this.tail1[j]! + base < this.cut) return;
    const { dim, stages, tails } = this;
    let from = this.stage1;
    for (let k = 0; k < stages.length; k++) {
      const to = stages[k]!;
      partial += dotRange(this.centred, i * dim, j * dim, from, to);
      this.cost += to - from;
      from = to;
      if (partial + tails[k]![i]! * tails[k]![j]! + base < this.cut) return;
    }
    this.cost += dim;
    const s = dotRange(this.rows, i * dim, j * dim, 0, dim);
    if (s >= this.threshold) link(i, j, s);
  }
}

type Link = (i: number, j: number, score: number) => void;

/** The rows minus their mean (float32), and each row's a.m - m.m/2, so a.b = (a-m).(b-m) + offset[a] + offset[b]. */
function centre(rows: Float32Array, n: number, dim: number): { centred: Float32Array; offset: Float64Array } {
  const mean = new Float64Array(dim);
  for (let r = 0; r < n; r++) for (let k = 0; k < dim; k++) mean[k]! += rows[r * dim + k]!;
  let mm = 0;
  for (let k = 0; k < dim; k++) {
    mean[k] = n > 0 ? mean[k]! / n : 0;
    mm += mean[k]! * mean[k]!;
  }
  const centred = new Float32Array(n * dim);
  const offset = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let am = 0;
    for (let k = 0, at = r * dim; k < dim; k++, at++) {
      centred[at] = rows[at]! - mean[k]!;
      am += rows[at]! * mean[k]!;
    }
    offset[r] = am - mm / 2;
  }
  return { centred, offset };
}

/** The norm of each row past its first `from` values. */
function tailNorms(data: Float32Array, n: number, dim: number, from: number): Float64Array {
  const out = new Float64Array(n);
  for (let r = 0; r < n; r++) {
    let s = 0;
    for (let k = r * dim + from, end = (r + 1) * dim; k < end; k++) s += data[k]! * data[k]!;
    out[r] = Math.sqrt(s);
  }
  return out;
}

/** Rows `a` and `a + dim` against the four rows from `b` (their first `dim` values): `out` gets a.b0..a.b3, then the second row's. */
function dot2x4(data: Float32Array, a: number, b: number, dim: number, out: Float64Array): void {
  let s0 = 0;
  let s1 = 0;
  let s2 = 0;
  let s3 = 0;
  let t0 = 0;
  let t1 = 0;
  let t2 = 0;
  let t3 = 0;
  const a1 = a + dim;
  const b1 = b + dim;
  const b2 = b1 + dim;
  const b3 = b2 + dim;
  for (let k = 0; k < dim; k++) {
    const x = data[a + k]!;
    const y = data[a1 + k]!;
    const p = data[b + k]!;
    const q = data[b1 + k]!;
    const r = data[b2 + k]!;
    const u = data[b3 + k]!;
    s0 += x * p;
    s1 += x * q;
    s2 += x * r;
    s3 += x * u;
    t0 += y * p;
    t1 += y * q;
    t2 += y * r;
    t3 += y * u;
  }
  out[0] = s0;
  out[1] = s1;
  out[2] = s2;
  out[3] = s3;
  out[4] = t0;
  out[5] = t1;
  out[6] = t2;
  out[7] = t3;
}

/** The dot product of the rows at `a` and `b` over dimensions [from, to) (four accumulators, as `dotAt` in rank.ts). */
export function dotRange(data: Float32Array, a: number, b: number, from: number, to: number): number {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let k = from;
  for (; k + 3 < to; k += 4) {
    a0 += data[a + k]! * data[b + k]!;
    a1 += data[a + k + 1]! * data[b + k + 1]!;
    a2 += data[a + k + 2]! * data[b + k + 2]!;
    a3 += data[a + k + 3]! * data[b + k + 3]!;
  }
  for (; k < to; k++) a0 += data[a + k]! * data[b + k]!;
  return a0 + a1 + (a2 + a3);
}

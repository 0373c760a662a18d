// The library's embedding rows in two int8 planes (half of float32's bytes), and the
// WebAssembly SIMD dot-product kernel that scans them: what lets EmbeddingMatrix hold and rank
// a 300k-photo library.

/**
 * One plane of int8 rows (dim padded to 16) in its own WebAssembly memory, with the int16
 * query scratch in front and the int32 scores behind: [query | rows | scores]. Where
 * WebAssembly SIMD is missing the rows live in a plain buffer and are scored in JavaScript.
 */
class Int8Plane {
  /** Rows held. */
  capacity = 0;
  private buffer: ArrayBuffer;
  private cached: Int8Array | null = null;

  private constructor(
    readonly stride: number,
    private readonly memory: WebAssembly.Memory | null,
    private readonly kernel: DotKernel | null,
  ) {
    this.buffer = memory ? memory.buffer : new ArrayBuffer(0);
  }

  static create(stride: number, simd: boolean): Int8Plane {
    const kernel = simd ? simdKernel() : null;
    return new Int8Plane(stride, kernel?.memory ?? null, kernel?.dot ?? null);
  }

  get simd(): boolean {
    return this.kernel !== null;
  }

  private get rowsAt(): number {
    return 2 * this.stride;
  }

  private get outAt(): number {
    return this.rowsAt + this.stride * this.capacity;
  }

  /** Room for `capacity` rows (old rows keep their place; the scores area is scratch); false where memory cannot grow. */
  reserve(capacity: number): boolean {
    if (capacity <= this.capacity) return true;
    const bytes = this.rowsAt + (this.stride + 4) * capacity;
    try {
      if (this.memory) {
        const pages = Math.ceil(bytes / 65536) - this.memory.buffer.byteLength / 65536;
        if (pages > 0) this.memory.grow(pages);
        this.buffer = this.memory.buffer;
      } else {
        const grown = new ArrayBuffer(this.rowsAt + this.stride * capacity);
        new Uint8Array(grown).set(new Uint8Array(this.buffer, 0, Math.min(this.buffer.byteLength, grown.byteLength)));
        this.buffer = grown;
      }
    } catch {
      return false;
    }
    this.capacity = capacity;
    return true;
  }

  /** A row's int8 values (a view: valid until the next `reserve`). */
  row(row: number): Int8Array {
    return new Int8Array(this.memory ? this.memory.buffer : this.buffer, this.rowsAt + row * this.stride, this.stride);
  }

  /** All of the plane's memory as int8 (valid until the next `reserve`), and where a row starts in it. */
  view(): Int8Array {
    const buffer = this.memory ? this.memory.buffer : this.buffer;
    if (this.cached?.buffer !== buffer) this.cached = new Int8Array(buffer);
    return this.cached;
  }

  offset(row: number): number {
    return this.rowsAt + row * this.stride;
  }

  /** The int16 query scratch: write the query here before `dots`. */
  query(): Int16Array {
    return new Int16Array(this.memory ? this.memory.buffer : this.buffer, 0, this.stride);
  }

  /** Integer dot products of the query scratch with rows [0, n). */
  dots(n: number): Int32Array {
    if (!this.kernel || !this.memory) {
      const q = this.query();
      const out = new Int32Array(n);
      for (let r = 0; r < n; r++) {
        const x = this.row(r);
        let s = 0;
        for (let i = 0; i < this.stride; i++) s += q[i]! * x[i]!;
        out[r] = s;
      }
      return out;
    }
    this.kernel(0, this.rowsAt, n, this.stride / 16, this.outAt);
    return new Int32Array(this.memory.buffer, this.outAt, n);
  }
}

/**
 * Adding and subtracting 1.5 * 2^52 rounds a double (of magnitude below 2^51) to the nearest
 * integer, ties to even: several times faster than Math.round on 150M values at start-up.
 */
const ROUND = 6755399441055744;

/** Residual steps per int8 step: the residual plane resolves a 254th of the high plane's step. */
const RESIDUAL_STEPS = 254;

/**
 * Unit vectors quantised to two int8 planes, 2 bytes per value instead of float32's 4:
 * x ~ s * (x8 + r8 / 254), with s = max|x| / 127 per row. x8 (the high plane) is the int8
 * rounding of x; r8 (the residual plane) is the int8 rounding of what x8 leaves, so a value is
 * off by at most s / 508 (about 3e-6 for a 512-dim embedding) and a cosine by about 1e-6.
 *
 * `approx` scans the high plane alone with the SIMD kernel (a quarter of float32's bytes) and
 * returns a proven bound on its error: with the int8 error e = x - s x8 of each row and the
 * query's int16 error eq, |q.x - sq s (q16.x8)| <= |e| + |eq| (1 + |e|), plus a margin for
 * float rounding. `score` gives the cosine from both planes, for the rows the bound cannot rule
 * out.
 */
export class QuantizedRows {
  /** Bytes per int8 row: dim rounded up to 16 (zero padded). */
  private readonly stride: number;
  /** The largest int16 query value that keeps every int32 lane sum from overflowing. */
  private readonly qMax: number;
  private readonly high: Int8Plane;
  private readonly residual: Int8Plane;
  private scale: Float64Array;
  private maxError = 0;
  private approxOut = new Float64Array(0);
  /** One row of each plane, as `set` quantises it (padding stays zero). */
  private readonly scratchHigh: Int8Array;
  private readonly scratchResidual: Int8Array;
  capacity = 0;

  /** `simd`: use the WebAssembly kernel where the browser has it (false: plain JavaScript, for tests). */
  constructor(
    private readonly dim: number,
    capacity: number,
    simd = true,
  ) {
    this.stride = Math.ceil(dim / 16) * 16;
    this.scratchHigh = new Int8Array(this.stride);
    this.scratchResidual = new Int8Array(this.stride);
    this.qMax = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * this.stride)));
    this.high = Int8Plane.create(this.stride, simd);
    // The residual plane is read row by row, or scanned with the same kernel by scoreAll.
    this.residual = Int8Plane.create(this.stride, this.high.simd);
    this.scale = new Float64Array(0);
    if (!this.reserve(Math.max(1, capacity))) throw new RangeError(`no memory for ${capacity} embeddings`);
  }

  /** True when `approx` runs on the SIMD kernel (a scan worth skipping the exact one for). */
  get fast(): boolean {
    return this.high.simd;
  }

  /** Bytes held for the rows. */
  get bytes(): number {
    return this.capacity * (2 * this.stride + 8);
  }

  reserve(capacity: number): boolean {
    if (capacity <= this.capacity) return true;
    if (!this.high.reserve(capacity) || !this.residual.reserve(capacity)) return false;
    const scale = new Float64Array(capacity);
    scale.set(this.scale.subarray(0, Math.min(this.scale.length, capacity)));
    this.scale = scale;
    this.capacity = capacity;
    return true;
  }

  set(row: number, unit: Float32Array): void {
    const dim = this.dim;
    let max = 0;
    for (let i = 0; i < dim; i++) {
      const x = unit[i]!;
      const a = x < 0 ? -x : x;
      if (a > max) max = a;
    }
    const s = max / 127;
    const inv = max > 0 ? 127 / max : 0;
    const rinv = max > 0 ? RESIDUAL_STEPS / s : 0;
    // Quantised into plain scratch rows, then copied into the planes: writing the WebAssembly
    // memory value by value is twice as slow (300k rows load at start-up).
    const hi = this.scratchHigh;
    const lo = this.scratchResidual;
    let err = 0;
    for (let i = 0; i < dim; i++) {
      const x = unit[i]!;
      const v = x * inv + ROUND - ROUND; // |x| <= max: within +-127
      const e = x - v * s;
      const r = e * rinv + ROUND - ROUND;
      hi[i] = v;
      lo[i] = r > 127 ? 127 : r < -127 ? -127 : r;
      err += e * e;
    }
    const base = this.high.offset(row);
    this.high.view().set(hi, base);
    this.residual.view().set(lo, base);
    this.scale[row] = s;
    this.maxError = Math.max(this.maxError, Math.sqrt(err));
  }

  /** A row as float32 (within s / 508 of what was set). */
  get(row: number): Float32Array {
    const hi = this.high.row(row);
    const lo = this.residual.row(row);
    const s = this.scale[row]!;
    const out = new Float32Array(this.dim);
    for (let i = 0; i < this.dim; i++) out[i] = s * (hi[i]! + lo[i]! / RESIDUAL_STEPS);
    return out;
  }

  /** The cosine of a row with the unit query, from both planes. */
  score(row: number, q: Float32Array): number {
    const hi = this.high.view();
    const lo = this.residual.view();
    const base = this.high.offset(row);
    let a = 0;
    let b = 0;
    for (let i = 0; i < this.dim; i++) {
      a += q[i]! * hi[base + i]!;
      b += q[i]! * lo[base + i]!;
    }
    return Math.fround(this.scale[row]! * (a + b / RESIDUAL_STEPS));
  }

  /** Approximate cosines of rows [0, n) with the unit query from the high plane, and a bound on their error. */
  approx(q: Float32Array, n: number): { approx: Float64Array; bound: number } {
    const { qScale, qErr } = this.setQuery(this.high, q);
    const dots = this.high.dots(n);
    if (this.approxOut.length < n) this.approxOut = new Float64Array(Math.max(n, this.capacity));
    const approx = this.approxOut;
    const scale = this.scale;
    for (let r = 0; r < n; r++) approx[r] = dots[r]! * scale[r]! * qScale;
    return { approx, bound: this.maxError + qErr * (1 + this.maxError) + 1e-5 };
  }

  /** Cosines of rows [0, n) with the unit query from both planes, scanned by the kernel (off by about 1e-6). */
  scoreAll(q: Float32Array, n: number): Float32Array {
    const out = new Float32Array(n);
    if (!this.fast) {
      for (let r = 0; r < n; r++) out[r] = this.score(r, q);
      return out;
    }
    const { qScale } = this.setQuery(this.high, q);
    const hi = this.high.dots(n).slice();
    this.setQuery(this.residual, q);
    const lo = this.residual.dots(n);
    for (let r = 0; r < n; r++) out[r] = this.scale[r]! * qScale * (hi[r]! + lo[r]! / RESIDUAL_STEPS);
    return out;
  }

  /** Rounds the unit query to int16 into a plane's scratch: its scale and the norm of its rounding error. */
  private setQuery(plane: Int8Plane, q: Float32Array): { qScale: number; qErr: number } {
    let max = 0;
    for (let i = 0; i < this.dim; i++) max = Math.max(max, Math.abs(q[i]!));
    const qScale = max / this.qMax;
    const inv = max > 0 ? this.qMax / max : 0;
    const q16 = plane.query();
    q16.fill(0);
    let err = 0;
    for (let i = 0; i < this.dim; i++) {
      const v = Math.max(-this.qMax, Math.min(this.qMax, Math.round(q[i]! * inv)));
      q16[i] = v;
      const e = q[i]! - v * qScale;
      err += e * e;
    }
    return { qScale, qErr: Math.sqrt(err) };
  }
}

type DotKernel = (query: number, rows: number, count: number, blocks: number, out: number) => void;

/** The compiled kernel; null once it is known not to compile (no WebAssembly SIMD). */
let kernelCache: WebAssembly.Module | null | undefined;

/** A fresh instance of the kernel (its own memory), or null without WebAssembly SIMD. */
function simdKernel(): { memory: WebAssembly.Memory; dot: DotKernel } | null {
  try {
    if (kernelCache === undefined) {
      const bytes = kernelModule();
      kernelCache = typeof WebAssembly === 'object' && WebAssembly.validate(bytes) ? new WebAssembly.Module(bytes) : null;
    }
    if (kernelCache === null) return null;
    const exports = new WebAssembly.Instance(kernelCache, {}).exports as { memory: WebAssembly.Memory; dot8: DotKernel };
    return { memory: exports.memory, dot: exports.dot8 };
  } catch {
    kernelCache ??= null;
    return null;
  }
}

/**
 * The WebAssembly module, assembled here (a few hundred bytes):
 *
 *   (memory (export "memory") 1)
 *   (func (export "dot8") (param $q i32) (param $rows i32) (param $count i32) (param $blocks i32) (param $out i32)
 *     for each of $count rows of $blocks x 16 int8 values at $rows:
 *       i32 sum over the row of int8 value x int16 query value ($q, 32 bytes per block),
 *       stored at $out, $out += 4)
 */
function kernelModule(): Uint8Array<ArrayBuffer> {
  const uleb = (n: number): number[] => {
    const out: number[] = [];
    do {
      let b = n & 0x7f;
      n >>>= 7;
      if (n) b |= 0x80;
      out.push(b);
    } while (n);
    return out;
  };
  const section = (id: number, content: number[]) => [id, ...uleb(content.length), ...content];
  const name = (s: string) => [s.length, ...Array.from(s, (c) => c.charCodeAt(0))];
  const simd = (op: number) => [0xfd, ...uleb(op)];
  const get = (i: number) => [0x20, i];
  const set = (i: number) => [0x21, i];
  const [Q, ROWS, COUNT, BLOCKS, OUT, J, QP, ACC, V] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
  const addConst = (local: number, c: number) => [...get(local), 0x41, c, 0x6a, ...set(local)];
  const load = (offset: number) => [...simd(0x00), 0, offset]; // v128.load align=1
  const dotAdd = [...simd(0xba), ...simd(0xae)]; // i32x4.dot_i16x8_s, i32x4.add
  const lane = (l: number) => [...get(ACC), ...simd(0x1b), l]; // i32x4.extract_lane
  const body = [
    2,
    2,
    0x7f,
    2,
    0x7b, // locals: 2 x i32 ($j, $qp), 2 x v128 ($acc, $v)
    0x02,
    0x40, // block
    0x03,
    0x40, // loop (rows)
    ...get(COUNT),
    0x45,
    0x0d,
    1, // count == 0: leave
    ...simd(0x0c),
    ...new Array<number>(16).fill(0),
    ...set(ACC),
    ...get(Q),
    ...set(QP),
    ...get(BLOCKS),
    ...set(J),
    0x03,
    0x40, // loop (blocks)
    ...get(ROWS),
    ...load(0),
    ...set(V),
    ...get(ACC),
    ...get(V),
    ...simd(0x87),
    ...get(QP),
    ...load(0),
    ...dotAdd, // low 8 int8 -> int16
    ...get(V),
    ...simd(0x88),
    ...get(QP),
    ...load(16),
    ...dotAdd, // high 8
    ...set(ACC),
    ...addConst(ROWS, 16),
    ...addConst(QP, 32),
    ...get(J),
    0x41,
    1,
    0x6b,
    0x22,
    J, // j -= 1 (tee)
    0x0d,
    0, // j != 0: next block
    0x0b, // end loop (blocks)
    ...get(OUT),
    ...lane(0),
    ...lane(1),
    0x6a,
    ...lane(2),
    0x6a,
    ...lane(3),
    0x6a,
    0x36,
    2,
    0, // i32.store
    ...addConst(OUT, 4),
    ...get(COUNT),
    0x41,
    1,
    0x6b,
    ...set(COUNT),
    0x0c,
    0, // next row
    0x0b, // end loop (rows)
    0x0b, // end block
    0x0b, // end func
  ];
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    0x01,
    0x00,
    0x00,
    0x00, // "\0asm", version 1
    ...section(1, [1, 0x60, 5, 0x7f, 0x7f, 0x7f, 0x7f, 0x7f, 0]), // type: (i32 x 5) -> ()
    ...section(3, [1, 0]), // function 0 has type 0
    ...section(5, [1, 0, 1]), // memory: min 1 page, no maximum
    ...section(7, [2, ...name('memory'), 2, 0, ...name('dot8'), 0, 0]),
    ...section(10, [1, ...uleb(body.length), ...body]),
  ]);
}

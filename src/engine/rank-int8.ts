// The int8 copy of the embedding rows and its WebAssembly SIMD dot-product kernel: the
// prefilter that lets EmbeddingMatrix rank a large library without reading every float.

/**
 * Per row: int8 values x8 with a scale s (x ~ s * x8, s = max|x| / 127) and the norm of the
 * rounding error e = x - s * x8. The query is rounded to int16 the same way. For unit x and q,
 * |q.x - sq s (q16.x8)| <= |q.e| + |eq.(s x8)| <= |e| + |eq| (1 + |e|): the bound `scores`
 * returns, with a margin for float rounding.
 */
export class Int8Rows {
  /** Bytes per int8 row: dim rounded up to 16 (zero padded). */
  private readonly stride: number;
  /** The largest int16 query value that keeps every int32 lane sum from overflowing. */
  private readonly qMax: number;
  private rowScale: Float64Array;
  private maxError = 0;
  private approx = new Float64Array(0);

  private constructor(
    private readonly dim: number,
    private capacity: number,
    private readonly memory: WebAssembly.Memory,
    private readonly kernel: DotKernel,
  ) {
    this.stride = Math.ceil(dim / 16) * 16;
    this.qMax = Math.min(32767, Math.floor((2 ** 31 - 1) / (127 * this.stride)));
    this.rowScale = new Float64Array(capacity);
  }

  /** Null where WebAssembly SIMD is missing or the rows do not fit in its memory. */
  static create(dim: number, capacity: number): Int8Rows | null {
    const kernel = simdKernel();
    if (!kernel || dim < 1) return null;
    const rows = new Int8Rows(dim, 0, kernel.memory, kernel.dot);
    return rows.reserve(capacity) ? rows : null;
  }

  /** The query (int16) at 0, then the rows, then the int32 scores. */
  private get rowsAt(): number {
    return 2 * this.stride;
  }

  private get outAt(): number {
    return this.rowsAt + this.stride * this.capacity;
  }

  /** Room for `capacity` rows; false where the memory cannot grow that far. */
  reserve(capacity: number): boolean {
    if (capacity <= this.capacity) return true;
    const bytes = this.rowsAt + (this.stride + 4) * capacity;
    const pages = Math.ceil(bytes / 65536) - this.memory.buffer.byteLength / 65536;
    try {
      if (pages > 0) this.memory.grow(pages);
    } catch {
      return false;
    }
    // Old rows keep their place; the scores area moves (it is scratch).
    this.capacity = capacity;
    const scale = new Float64Array(capacity);
    scale.set(this.rowScale);
    this.rowScale = scale;
    return true;
  }

  set(row: number, unit: Float32Array): void {
    const dim = this.dim;
    let max = 0;
    for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(unit[i]!));
    const scale = max / 127;
    const inv = max > 0 ? 127 / max : 0;
    const out = new Int8Array(this.memory.buffer, this.rowsAt + row * this.stride, dim);
    let err = 0;
    for (let i = 0; i < dim; i++) {
      const v = Math.max(-127, Math.min(127, Math.round(unit[i]! * inv)));
      out[i] = v;
      const e = unit[i]! - v * scale;
      err += e * e;
    }
    this.rowScale[row] = scale;
    this.maxError = Math.max(this.maxError, Math.sqrt(err));
  }

  /** Approximate scores of rows [0, n) for the unit query, and a bound on their error. */
  scores(q: Float32Array, n: number): { approx: Float64Array; bound: number } {
    const dim = this.dim;
    let max = 0;
    for (let i = 0; i < dim; i++) max = Math.max(max, Math.abs(q[i]!));
    const qScale = max / this.qMax;
    const inv = max > 0 ? this.qMax / max : 0;
    const q16 = new Int16Array(this.memory.buffer, 0, this.stride);
    q16.fill(0);
    let qErr = 0;
    for (let i = 0; i < dim; i++) {
      const v = Math.max(-this.qMax, Math.min(this.qMax, Math.round(q[i]! * inv)));
      q16[i] = v;
      const e = q[i]! - v * qScale;
      qErr += e * e;
    }
    this.kernel(0, this.rowsAt, n, this.stride / 16, this.outAt);
    const dots = new Int32Array(this.memory.buffer, this.outAt, n);
    if (this.approx.length < n) this.approx = new Float64Array(Math.max(n, this.capacity));
    const approx = this.approx;
    const rowScale = this.rowScale;
    for (let r = 0; r < n; r++) approx[r] = dots[r]! * rowScale[r]! * qScale;
    const bound = this.maxError + Math.sqrt(qErr) * (1 + this.maxError) + 1e-5;
    return { approx, bound };
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

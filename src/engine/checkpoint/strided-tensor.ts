// A checkpoint tensor as a strided view into one storage of the file: checked against that storage
// when made, read as contiguous float32.
import type { ByteSource } from '../io/source';
import { decodeToFloat32Bits, ELEMENT_SIZE } from './dtype';
import { CheckpointError, elementCount, type LazyTensor, type StorageDType } from './tensor';

/** Where a tensor's storage lies in the file: `numel` elements of `dtype` from byte `start`. */
export interface StorageRange {
  readonly start: number;
  readonly numel: number;
  readonly dtype: StorageDType;
}

/**
 * The most elements one view may hold or span: 2^28 (1 GiB as float32), several times the largest
 * CLIP weight (ViT-bigG's token table, 63M), so a file that is merely big enough to back a
 * giant tensor is refused here rather than by a failed allocation in `read()`.
 */
export const MAX_TENSOR_ELEMENTS = 2 ** 28;

export function contiguousStrides(shape: readonly number[]): number[] {
  const strides = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    strides[i] = s;
    s *= shape[i]!;
  }
  return strides;
}

/**
 * A (possibly strided) view into one storage of the file. The constructor validates the
 * view against the storage, so nothing is read or allocated for a tensor that does not fit.
 */
export class StridedTensor implements LazyTensor {
  readonly dtype: StorageDType;
  private readonly numel: number;
  /** Element index range [first, last] of the storage that the view touches. */
  private readonly first: number;
  private readonly last: number;

  constructor(
    private readonly source: ByteSource,
    readonly name: string,
    private readonly storage: StorageRange,
    readonly shape: readonly number[],
    private readonly strides: readonly number[],
    private readonly offset: number,
  ) {
    this.dtype = storage.dtype;
    const where = `${source.name}: tensor ${name}`;
    const isCount = (v: number) => Number.isSafeInteger(v) && v >= 0;
    if (!shape.every(isCount) || !strides.every(isCount) || !isCount(offset)) {
      throw new CheckpointError(`${where} has an invalid shape, stride or offset ([${shape.join(',')}], [${strides.join(',')}], ${offset})`);
    }
    if (shape.length !== strides.length) {
      throw new CheckpointError(`${where} has ${shape.length} dimensions but ${strides.length} strides`);
    }
    this.numel = elementCount(shape);
    if (!Number.isSafeInteger(this.numel) || this.numel > storage.numel) {
      throw new CheckpointError(`${where} has ${this.numel} elements, more than its storage holds (${storage.numel})`);
    }
    if (this.numel > MAX_TENSOR_ELEMENTS) {
      throw new CheckpointError(`${where} has ${this.numel} elements, more than a CLIP weight can have (${MAX_TENSOR_ELEMENTS})`);
    }
    let last = offset;
    for (let i = 0; i < shape.length; i++) last += (shape[i]! - 1) * strides[i]!;
    if (this.numel > 0 && (!Number.isSafeInteger(last) || last >= storage.numel)) {
      throw new CheckpointError(
        `${where} (shape [${shape.join(',')}], stride [${strides.join(',')}], offset ${offset}) reaches element ${last} of a storage of ${storage.numel} elements`,
      );
    }
    if (last - offset + 1 > MAX_TENSOR_ELEMENTS) {
      throw new CheckpointError(
        `${where} (stride [${strides.join(',')}]) spans ${last - offset + 1} elements of its storage, more than a CLIP weight can (${MAX_TENSOR_ELEMENTS})`,
      );
    }
    if (storage.start + storage.numel * ELEMENT_SIZE[storage.dtype] > source.size) {
      throw new CheckpointError(`${where}: its storage passes the end of the file`);
    }
    this.first = offset;
    this.last = last;
  }

  async read(): Promise<Float32Array> {
    const out = new Float32Array(this.numel);
    if (this.numel === 0) return out;
    const size = ELEMENT_SIZE[this.dtype];
    const bytes = await this.source.read(this.storage.start + this.first * size, (this.last - this.first + 1) * size);
    const bits = decodeToFloat32Bits(bytes, this.dtype);
    const target = new Uint32Array(out.buffer);
    if (isContiguous(this.shape, this.strides)) {
      target.set(bits.subarray(0, this.numel));
    } else {
      gather(bits, target, this.shape, this.strides);
    }
    return out;
  }
}

function isContiguous(shape: readonly number[], strides: readonly number[]): boolean {
  const expected = contiguousStrides(shape);
  return shape.every((d, i) => d === 1 || strides[i] === expected[i]);
}

/** Copies a strided view (relative to its first element) into row-major order. */
function gather(src: Uint32Array, dst: Uint32Array, shape: readonly number[], strides: readonly number[]): void {
  const rank = shape.length;
  const inner = shape[rank - 1]!;
  const innerStride = strides[rank - 1]!;
  const index = new Array<number>(rank).fill(0);
  let base = 0;
  for (let o = 0; o < dst.length; o += inner) {
    for (let j = 0; j < inner; j++) dst[o + j] = src[base + j * innerStride]!;
    // Advance the outer index like an odometer.
    for (let d = rank - 2; d >= 0; d--) {
      index[d]!++;
      base += strides[d]!;
      if (index[d]! < shape[d]!) break;
      base -= index[d]! * strides[d]!;
      index[d] = 0;
    }
  }
}

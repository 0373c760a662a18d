/** Element types a Long-CLIP state_dict can hold (torch storages / safetensors dtypes). */
export type StorageDType = 'float32' | 'float16' | 'bfloat16';

/**
 * One named tensor of a state_dict, not yet read. `read()` fetches just its bytes from the
 * source and returns a fresh contiguous float32 copy in row-major order of `shape`
 * (strides and storage offsets already applied; float16/bfloat16 widened exactly).
 */
export interface LazyTensor {
  readonly name: string;
  readonly dtype: StorageDType;
  readonly shape: readonly number[];
  read(): Promise<Float32Array>;
}

/** A checkpoint opened for reading: tensors by their state_dict key, in file order. */
export interface StateDict {
  readonly tensors: ReadonlyMap<string, LazyTensor>;
  readonly format: 'torch-zip' | 'safetensors';
  /** The file it was read from, for messages. */
  readonly fileName?: string;
}

/** A checkpoint that cannot be read: the message names the file and what was wrong. */
export class CheckpointError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'CheckpointError';
  }
}

export function elementCount(shape: readonly number[]): number {
  return shape.reduce((a, b) => a * b, 1);
}

// The .safetensors reader: the JSON header checked against the file, each tensor read on demand.
import type { ByteSource } from '../io/source';
import { ELEMENT_SIZE } from './dtype';
import { contiguousStrides, StridedTensor } from './strided-tensor';
import { CheckpointError, elementCount, type LazyTensor, type StateDict, type StorageDType } from './tensor';

/** The safetensors reference implementation refuses headers above 100 MB; ours are a few KB. */
export const MAX_SAFETENSORS_HEADER = 64 * 1024 * 1024;

const DTYPES: Record<string, StorageDType> = { F32: 'float32', F16: 'float16', BF16: 'bfloat16' };

/** The JSON header length if `first` (the file's first bytes) looks like a safetensors file. */
export function safetensorsHeaderLength(first: Uint8Array, fileSize: number): number | undefined {
  if (first.byteLength < 9) return undefined;
  const n = new DataView(first.buffer, first.byteOffset, 8).getBigUint64(0, true);
  if (n < 2n || n > BigInt(fileSize - 8) || first[8] !== 0x7b /* { */) return undefined;
  return Number(n);
}

/** Opens a `.safetensors` file: one header read; tensors are read on demand. */
export async function openSafetensors(source: ByteSource): Promise<StateDict> {
  const fail = (why: string) => new CheckpointError(`${source.name}: ${why}`);
  const headerLength = safetensorsHeaderLength(await source.read(0, Math.min(9, source.size)), source.size);
  if (headerLength === undefined) throw fail('not a .safetensors file (bad header length)');
  if (headerLength > MAX_SAFETENSORS_HEADER) throw fail(`safetensors header of ${headerLength} bytes is too large`);
  let header: unknown;
  try {
    header = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(await source.read(8, headerLength)));
  } catch (e) {
    throw fail(`safetensors header is not valid JSON (${(e as Error).message})`);
  }
  if (typeof header !== 'object' || header === null || Array.isArray(header)) throw fail('safetensors header is not a JSON object');

  const dataStart = 8 + headerLength;
  const dataSize = source.size - dataStart;
  const tensors = new Map<string, LazyTensor>();
  for (const [name, info] of Object.entries(header as Record<string, unknown>)) {
    if (name === '__metadata__') continue;
    const bad = (why: string) => fail(`tensor ${name}: ${why}`);
    if (typeof info !== 'object' || info === null) throw bad('header entry is not an object');
    const { dtype, shape, data_offsets: offsets } = info as Record<string, unknown>;
    const storageDType = typeof dtype === 'string' ? DTYPES[dtype] : undefined;
    if (!storageDType) throw bad(`dtype ${String(dtype)} is not supported (only F32, F16 and BF16)`);
    const isCount = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v) && v >= 0;
    if (!Array.isArray(shape) || shape.length > 16 || !shape.every(isCount)) throw bad(`invalid shape ${JSON.stringify(shape)}`);
    if (!Array.isArray(offsets) || offsets.length !== 2 || !offsets.every(isCount)) {
      throw bad(`invalid data_offsets ${JSON.stringify(offsets)}`);
    }
    const [begin, end] = offsets as [number, number];
    if (begin > end || end > dataSize) {
      throw bad(`data_offsets [${begin}, ${end}] pass the end of the file (${dataSize} data bytes)`);
    }
    const numel = elementCount(shape);
    if (numel * ELEMENT_SIZE[storageDType] !== end - begin) {
      throw bad(`shape [${shape.join(',')}] of ${String(dtype)} needs ${numel * ELEMENT_SIZE[storageDType]} bytes, but data_offsets span ${end - begin}`);
    }
    const storage = { start: dataStart + begin, numel, dtype: storageDType };
    tensors.set(name, new StridedTensor(source, name, storage, shape, contiguousStrides(shape), 0));
  }
  return { tensors, format: 'safetensors', fileName: source.name };
}

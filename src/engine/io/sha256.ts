import { createSHA256 } from 'hash-wasm';
import type { ByteSource } from './source';

const CHUNK = 8 * 1024 * 1024;

/** SHA-256 of a whole source, read in chunks (never the whole file at once). */
export async function sha256Source(source: ByteSource, onBytes?: (done: number) => void, signal?: AbortSignal): Promise<string> {
  const hash = await createSHA256();
  hash.init();
  for (let offset = 0; offset < source.size; offset += CHUNK) {
    signal?.throwIfAborted();
    hash.update(await source.read(offset, Math.min(CHUNK, source.size - offset)));
    onBytes?.(Math.min(offset + CHUNK, source.size));
  }
  return hash.digest('hex');
}

export async function sha256Bytes(bytes: Uint8Array): Promise<string> {
  const hash = await createSHA256();
  hash.init();
  hash.update(bytes);
  return hash.digest('hex');
}

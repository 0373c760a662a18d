// SHA-256, the library's content key and the checkpoints' identity. Photos are hashed in one
// call with WebCrypto (native: 4-5x hash-wasm's speed on a 4 MiB JPEG); what must be hashed
// in pieces (a 1.7 GB checkpoint, a download that resumes) uses hash-wasm's resumable hasher.
import { createSHA256, type IHasher } from 'hash-wasm';
import type { ByteSource } from './source';

const CHUNK = 8 * 1024 * 1024;

/** Lowercase hex SHA-256 of bytes held in memory (a photo). WebCrypto: browsers' secure contexts, workers and Node. */
export async function sha256Hex(bytes: Uint8Array): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes as Uint8Array<ArrayBuffer>));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

/** A hasher fed piece by piece whose state can be saved and loaded (a download resumed on the next visit). */
export async function resumableSha256(): Promise<IHasher> {
  const hash = await createSHA256();
  hash.init();
  return hash;
}

/** SHA-256 of a whole source, read in chunks (never the whole file at once). */
export async function sha256Source(source: ByteSource, onBytes?: (done: number) => void, signal?: AbortSignal): Promise<string> {
  const hash = await resumableSha256();
  for (let offset = 0; offset < source.size; offset += CHUNK) {
    signal?.throwIfAborted();
    hash.update(await source.read(offset, Math.min(CHUNK, source.size - offset)));
    onBytes?.(Math.min(offset + CHUNK, source.size));
  }
  return hash.digest('hex');
}

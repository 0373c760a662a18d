// Test-only: small index files built with the writer.
import { identityKey, type ModelIdentity } from '../bundle/identity';
import type { IndexFileRecord } from './types';
import { writeIndexFile, type PhotoToWrite } from './writer';

export const SHA_A = 'a'.repeat(64);

export function identity(sha = SHA_A, dim = 8, dtype: ModelIdentity['dtype'] = 'float16'): ModelIdentity {
  return { sourceSha256: sha, dtype, converterMajor: 1, key: identityKey(sha, dtype, 1), name: 'test-model', embedDim: dim };
}

export function hashOf(i: number): string {
  return i.toString(16).padStart(64, '0');
}

export function unitVector(dim: number, seed: number): Float32Array {
  const v = new Float32Array(dim);
  for (let j = 0; j < dim; j++) v[j] = Math.sin(seed * 7.1 + j * 1.3) + 0.1;
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
}

export function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.byteLength;
  }
  return out;
}

/** An index of `n` photos (every other with a thumbnail), one file each plus a second copy of photo 0. */
export function sampleIndex(n = 3, model = identity()): { bytes: Uint8Array; photos: PhotoToWrite<Uint8Array>[]; files: IndexFileRecord[] } {
  const photos: PhotoToWrite<Uint8Array>[] = Array.from({ length: n }, (_, i) => ({
    hash: hashOf(i + 1),
    width: 100 + i,
    height: 50 + i,
    type: 'image/png',
    size: 1000 + i,
    vector: unitVector(model.embedDim, i),
    thumbnail: i % 2 === 0 ? { data: new Uint8Array(10 + i).fill(i + 1), type: 'image/webp', width: 32, height: 16 } : null,
  }));
  const files: IndexFileRecord[] = photos.map((p, i) => ({
    path: `Holidays/img_${i}.png`,
    name: `img_${i}.png`,
    folder: 'Holidays',
    hash: p.hash,
    size: p.size,
    lastModified: 1_700_000_000_000 + i,
    type: 'image/png',
    addedAt: 1_700_000_100_000,
    ...(i === 0 ? { extra: { takenAt: 1_600_000_000_000 } } : {}),
  }));
  if (n) {
    const { extra: _, ...first } = files[0]!;
    files.push({ ...first, path: 'copy.png', name: 'copy.png', folder: '' });
  }
  const parts = writeIndexFile({ createdBy: 'cli', createdAt: new Date('2025-01-02T03:04:05Z'), model, photos, files });
  return { bytes: concat(parts), photos, files };
}

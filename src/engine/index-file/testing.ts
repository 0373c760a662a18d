// Test-only: small index files built with the writer.
import { identityKey, type ModelIdentity } from '../bundle/identity';
import { PREAMBLE_BYTES, type IndexFileRecord } from './types';
import { writeIndexFile, type PhotoToWrite, type StillToWrite, type VideoToWrite } from './writer';

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
export function sampleIndex(n = 3, model = identity()): { bytes: Uint8Array; photos: StillToWrite<Uint8Array>[]; files: IndexFileRecord[] } {
  const photos: StillToWrite<Uint8Array>[] = Array.from({ length: n }, (_, i) => ({
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

/** A video entry: `frames` frames 500 ms apart (every third without a thumbnail), its own thumbnail the first frame's bytes. */
export function sampleVideo(i: number, frames: number, dim: number): VideoToWrite<Uint8Array> {
  const frameRows = Array.from({ length: frames }, (_, j) => ({
    vector: unitVector(dim, 100 * i + j),
    thumbnail: j % 3 === 2 ? null : { data: new Uint8Array(5 + j).fill(200 + j), type: 'image/webp', width: 32, height: 18 },
  }));
  return {
    hash: hashOf(1000 + i),
    width: 640,
    height: 360,
    type: 'video/mp4',
    size: 50_000 + i,
    video: { duration: frames / 2, frames: frameRows.map((_, j) => j * 500), codec: 'avc' },
    thumbnail: frameRows[0]!.thumbnail,
    frameRows,
  };
}

/** A version 2 index of photos and videos mixed: photo, video (3 frames), photo, video (4 frames), one file each. */
export function sampleVideoIndex(model = identity()): { bytes: Uint8Array; photos: PhotoToWrite<Uint8Array>[]; files: IndexFileRecord[] } {
  const stills = sampleIndex(2, model).photos;
  const photos: PhotoToWrite<Uint8Array>[] = [stills[0]!, sampleVideo(1, 3, model.embedDim), stills[1]!, sampleVideo(2, 4, model.embedDim)];
  const files: IndexFileRecord[] = photos.map((p, i) => ({
    path: `Trip/item_${i}.${p.video ? 'mp4' : 'png'}`,
    name: `item_${i}.${p.video ? 'mp4' : 'png'}`,
    folder: 'Trip',
    hash: p.hash,
    size: p.size,
    lastModified: 1_700_000_000_000 + i,
    type: p.type,
    addedAt: 1_700_000_100_000,
  }));
  const parts = writeIndexFile({ createdBy: 'app', createdAt: new Date('2025-01-02T03:04:05Z'), model, photos, files });
  return { bytes: concat(parts), photos, files };
}

/** sampleIndex(2) as the version 1 writer wrote it (before videos, commit 33c187d): a file that must stay readable. */
export const V1_SAMPLE = Uint8Array.from(
  atob(
    [
      'TENJTkRFWAoBAAAAlAUAAHsiZm9ybWF0IjoibG9uZ2NsaXAtaW5kZXgiLCJ2ZXJzaW9uIjoxLCJjcmVhdGVkQXQiOiIyMDI1LTAxLTAyVDAzOjA0OjA1LjAw',
      'MFoiLCJjcmVhdGVkQnkiOiJjbGkiLCJtb2RlbCI6eyJzb3VyY2VTaGEyNTYiOiJhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh',
      'YWFhYWFhYWFhYWFhYWFhYWFhYWFhIiwiZHR5cGUiOiJmbG9hdDE2IiwiY29udmVydGVyTWFqb3IiOjEsImtleSI6ImFhYWFhYWFhYWFhYWFhYWFhYWFhYWFh',
      'YWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWFhYWE6ZmxvYXQxNjp2MSIsIm5hbWUiOiJ0ZXN0LW1vZGVsIiwiZW1iZWREaW0iOjh9LCJw',
      'aG90b3MiOlt7Imhhc2giOiIwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAxIiwid2lkdGgi',
      'OjEwMCwiaGVpZ2h0Ijo1MCwidHlwZSI6ImltYWdlL3BuZyIsInNpemUiOjEwMDAsInRodW1ibmFpbCI6eyJvZmZzZXQiOjAsImxlbmd0aCI6MTAsInR5cGUi',
      'OiJpbWFnZS93ZWJwIiwid2lkdGgiOjMyLCJoZWlnaHQiOjE2fX0seyJoYXNoIjoiMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAw',
      'MDAwMDAwMDAwMDAwMDAwMDAwMDAwMiIsIndpZHRoIjoxMDEsImhlaWdodCI6NTEsInR5cGUiOiJpbWFnZS9wbmciLCJzaXplIjoxMDAxLCJ0aHVtYm5haWwi',
      'Om51bGx9XSwiZmlsZXMiOlt7InBhdGgiOiJIb2xpZGF5cy9pbWdfMC5wbmciLCJuYW1lIjoiaW1nXzAucG5nIiwiZm9sZGVyIjoiSG9saWRheXMiLCJoYXNo',
      'IjoiMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMSIsInNpemUiOjEwMDAsImxhc3RNb2Rp',
      'ZmllZCI6MTcwMDAwMDAwMDAwMCwidHlwZSI6ImltYWdlL3BuZyIsImFkZGVkQXQiOjE3MDAwMDAxMDAwMDAsInRha2VuQXQiOjE2MDAwMDAwMDAwMDB9LHsi',
      'cGF0aCI6IkhvbGlkYXlzL2ltZ18xLnBuZyIsIm5hbWUiOiJpbWdfMS5wbmciLCJmb2xkZXIiOiJIb2xpZGF5cyIsImhhc2giOiIwMDAwMDAwMDAwMDAwMDAw',
      'MDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAyIiwic2l6ZSI6MTAwMSwibGFzdE1vZGlmaWVkIjoxNzAwMDAwMDAwMDAx',
      'LCJ0eXBlIjoiaW1hZ2UvcG5nIiwiYWRkZWRBdCI6MTcwMDAwMDEwMDAwMH0seyJwYXRoIjoiY29weS5wbmciLCJuYW1lIjoiY29weS5wbmciLCJmb2xkZXIi',
      'OiIiLCJoYXNoIjoiMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMDAwMSIsInNpemUiOjEwMDAs',
      'Imxhc3RNb2RpZmllZCI6MTcwMDAwMDAwMDAwMCwidHlwZSI6ImltYWdlL3BuZyIsImFkZGVkQXQiOjE3MDAwMDAxMDAwMDB9XSwidGh1bWJuYWlsQnl0ZXMi',
      'OjEwfTbOTT3IzQg/i1eePvc0l76SjMm+MiIiPs1NDT/DoVc+gRfPPvp57j7Noqu9jtXgvgAdo73Kne8+LJLNPmgTOr4BAQEBAQEBAQEB',
    ].join(''),
  ),
  (c) => c.charCodeAt(0),
);

/** A version 2 file without videos rewritten as version 1 (the layouts are the same then). */
export function asVersion1(bytes: Uint8Array): Uint8Array {
  const out = bytes.slice();
  const view = new DataView(out.buffer);
  if (view.getUint32(8, true) !== 2) throw new Error('not a version 2 file');
  view.setUint32(8, 1, true);
  const at = new TextDecoder().decode(out.subarray(PREAMBLE_BYTES, PREAMBLE_BYTES + view.getUint32(12, true))).indexOf('"version":2');
  if (at < 0) throw new Error('no version in the header');
  out[PREAMBLE_BYTES + at + '"version":'.length] = '1'.charCodeAt(0);
  return out;
}

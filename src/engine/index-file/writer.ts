// Writes an index file (types.ts has the layout) as parts to concatenate, so thumbnails held in
// Blobs (the app) or a spool file (the CLI) are never copied into one buffer.
import type { ModelIdentity } from '../bundle/identity';
import type { Thumbnail } from '../preprocess/thumbnail';
import type { PhotoMeta } from '../records';
import {
  FILE_RECORD_KEYS,
  INDEX_FORMAT,
  INDEX_FORMAT_VERSION,
  INDEX_MAGIC,
  PREAMBLE_BYTES,
  type IndexFileRecord,
  type IndexHeader,
  type IndexPhoto,
} from './types';

/** Thumbnail bytes: a Uint8Array, or anything with a size that the caller concatenates itself (a Blob). */
export type ThumbnailData = Uint8Array | { readonly size: number };

export interface PhotoToWrite<T extends ThumbnailData> extends PhotoMeta {
  /** The unit-length embedding under `model`. */
  vector: ArrayLike<number>;
  thumbnail: Thumbnail<T> | null;
}

export interface IndexToWrite<T extends ThumbnailData> {
  createdBy: 'app' | 'cli';
  createdAt?: Date;
  model: ModelIdentity;
  photos: PhotoToWrite<T>[];
  /** Every file must name one of `photos`. */
  files: IndexFileRecord[];
}

/** Vectors per embeddings part (a part is one Uint8Array). */
const VECTORS_PER_PART = 4096;

const sizeOf = (d: ThumbnailData) => (d instanceof Uint8Array ? d.byteLength : d.size);

/**
 * Lays out an index file as a list of parts to concatenate in order (`new Blob(parts)` in the
 * browser, consecutive writes in Node): the thumbnails are passed through, never copied.
 */
export function writeIndexFile<T extends ThumbnailData>(input: IndexToWrite<T>): (Uint8Array | T)[] {
  const dim = input.model.embedDim;
  const hashes = new Set(input.photos.map((p) => p.hash));
  for (const f of input.files) if (!hashes.has(f.hash)) throw new Error(`file ${f.path} names a photo that is not written (${f.hash})`);

  let thumbnailBytes = 0;
  const photos: IndexPhoto[] = input.photos.map((p) => {
    if (p.vector.length !== dim) throw new Error(`photo ${p.hash}: embedding of ${p.vector.length} values, the model has ${dim}`);
    let thumbnail: IndexPhoto['thumbnail'] = null;
    if (p.thumbnail) {
      const length = sizeOf(p.thumbnail.data);
      thumbnail = { offset: thumbnailBytes, length, type: p.thumbnail.type, width: p.thumbnail.width, height: p.thumbnail.height };
      thumbnailBytes += length;
    }
    return { hash: p.hash, width: p.width, height: p.height, type: p.type, size: p.size, thumbnail };
  });
  const header: IndexHeader = {
    format: INDEX_FORMAT,
    version: INDEX_FORMAT_VERSION,
    createdAt: (input.createdAt ?? new Date()).toISOString(),
    createdBy: input.createdBy,
    model: input.model,
    photos,
    files: input.files.map(flatRecord) as unknown as IndexFileRecord[],
    thumbnailBytes,
  };

  const json = new TextEncoder().encode(JSON.stringify(header));
  const padded = new Uint8Array(Math.ceil(json.length / 4) * 4).fill(0x20);
  padded.set(json);
  const preamble = new Uint8Array(PREAMBLE_BYTES);
  preamble.set(new TextEncoder().encode(INDEX_MAGIC));
  const view = new DataView(preamble.buffer);
  view.setUint32(8, INDEX_FORMAT_VERSION, true);
  view.setUint32(12, padded.length, true);

  const parts: (Uint8Array | T)[] = [preamble, padded];
  for (let start = 0; start < input.photos.length; start += VECTORS_PER_PART) {
    const chunk = input.photos.slice(start, start + VECTORS_PER_PART);
    const bytes = new Uint8Array(chunk.length * dim * 4);
    const out = new DataView(bytes.buffer);
    chunk.forEach((p, i) => {
      for (let j = 0; j < dim; j++) out.setFloat32((i * dim + j) * 4, p.vector[j]!, true);
    });
    parts.push(bytes);
  }
  for (const p of input.photos) if (p.thumbnail) parts.push(p.thumbnail.data);
  return parts;
}

/** The record as it is stored: known fields, then the extra ones at the same level. */
function flatRecord(r: IndexFileRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FILE_RECORD_KEYS) out[k] = r[k];
  for (const [k, v] of Object.entries(r.extra ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

// Writes an index file (types.ts has the layout) as parts to concatenate, so thumbnails held in
// Blobs (the app) or a spool file (the CLI) are never copied into one buffer.
import type { ModelIdentity } from '../bundle/identity';
import type { Thumbnail } from '../preprocess/thumbnail';
import type { PhotoMeta, VideoMeta } from '../records';
import {
  FILE_RECORD_KEYS,
  INDEX_FORMAT,
  INDEX_FORMAT_VERSION,
  INDEX_MAGIC,
  PREAMBLE_BYTES,
  type IndexFileRecord,
  type IndexHeader,
  type IndexPhoto,
  type IndexThumbnail,
} from './types';

/** Thumbnail bytes: a Uint8Array, or anything with a size that the caller concatenates itself (a Blob). */
export type ThumbnailData = Uint8Array | { readonly size: number };

/** What a photo and a video entry share: the record and its thumbnail (a video's: its first frame's). */
interface EntryToWrite<T extends ThumbnailData> extends Omit<PhotoMeta, 'video'> {
  thumbnail: Thumbnail<T> | null;
}

/** A photo: one embedding. */
export interface StillToWrite<T extends ThumbnailData> extends EntryToWrite<T> {
  video?: undefined;
  /** The unit-length embedding under `model`. */
  vector: ArrayLike<number>;
}

/** A sampled frame of a video: its embedding and thumbnail (its time is in `video.frames`). */
export interface FrameToWrite<T extends ThumbnailData> {
  /** The unit-length embedding under `model`. */
  vector: ArrayLike<number>;
  thumbnail: Thumbnail<T> | null;
}

/** A video: one embedding per sampled frame, `frameRows[j]` the frame at `video.frames[j]` ms. */
export interface VideoToWrite<T extends ThumbnailData> extends EntryToWrite<T> {
  video: VideoMeta;
  frameRows: FrameToWrite<T>[];
}

export type PhotoToWrite<T extends ThumbnailData> = StillToWrite<T> | VideoToWrite<T>;

/** The embeddings of an entry, in file order: a photo's one, a video's frames'. */
export const vectorsOf = <T extends ThumbnailData>(p: PhotoToWrite<T>): ArrayLike<number>[] => (p.video ? p.frameRows.map((f) => f.vector) : [p.vector]);

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
 * Lays out an index file (version INDEX_FORMAT_VERSION) as a list of parts to concatenate in
 * order (`new Blob(parts)` in the browser, consecutive writes in Node): the thumbnails are
 * passed through, never copied, each once (a video's thumbnail that is the very object of its
 * first frame's is written once and named twice).
 */
export function writeIndexFile<T extends ThumbnailData>(input: IndexToWrite<T>): (Uint8Array | T)[] {
  const dim = input.model.embedDim;
  const hashes = new Set(input.photos.map((p) => p.hash));
  for (const f of input.files) if (!hashes.has(f.hash)) throw new Error(`file ${f.path} names a photo that is not written (${f.hash})`);

  let thumbnailBytes = 0;
  const thumbnailParts: T[] = [];
  const placed = new Map<T, number>();
  const place = (t: Thumbnail<T> | null): IndexThumbnail | null => {
    if (!t) return null;
    const length = sizeOf(t.data);
    let offset = placed.get(t.data);
    if (offset === undefined) {
      offset = thumbnailBytes;
      placed.set(t.data, offset);
      thumbnailParts.push(t.data);
      thumbnailBytes += length;
    }
    return { offset, length, type: t.type, width: t.width, height: t.height };
  };
  const photos: IndexPhoto[] = input.photos.map((p) => {
    for (const v of vectorsOf(p)) if (v.length !== dim) throw new Error(`photo ${p.hash}: embedding of ${v.length} values, the model has ${dim}`);
    const entry: IndexPhoto = { hash: p.hash, width: p.width, height: p.height, type: p.type, size: p.size, thumbnail: place(p.thumbnail) };
    if (p.video) {
      const { duration, frames, codec } = p.video;
      if (!frames.length || frames.length !== p.frameRows.length)
        throw new Error(`video ${p.hash}: ${p.frameRows.length} frame embeddings for ${frames.length} frame times (at least one)`);
      entry.video = { duration, frames: [...frames], codec };
      entry.frameThumbnails = p.frameRows.map((f) => place(f.thumbnail));
    }
    return entry;
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
  const rows = input.photos.flatMap(vectorsOf);
  for (let start = 0; start < rows.length; start += VECTORS_PER_PART) {
    const chunk = rows.slice(start, start + VECTORS_PER_PART);
    const bytes = new Uint8Array(chunk.length * dim * 4);
    const out = new DataView(bytes.buffer);
    chunk.forEach((v, i) => {
      for (let j = 0; j < dim; j++) out.setFloat32((i * dim + j) * 4, v[j]!, true);
    });
    parts.push(bytes);
  }
  parts.push(...thumbnailParts);
  return parts;
}

/** The record as it is stored: known fields, then the extra ones at the same level. */
function flatRecord(r: IndexFileRecord): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of FILE_RECORD_KEYS) out[k] = r[k];
  for (const [k, v] of Object.entries(r.extra ?? {})) if (!(k in out)) out[k] = v;
  return out;
}

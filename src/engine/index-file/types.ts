// The index file (".lcindex"): one model's embeddings of a photo library, with the photos' and
// files' metadata and optional thumbnails, so a library indexed in one place (the CLI on a
// stronger machine, another browser) can be used in another. Since version 2 it carries videos:
// a video is an entry of `photos` with `video` (PhotoMeta's VideoMeta), embedded by its sampled
// frames, each a row of its own (the library keys it "<hash>@<ms>", engine/video/frame-key.ts).
//
// Layout (all integers little-endian):
//   0   8 bytes  magic "LCINDEX\n"
//   8   u32      format version (INDEX_FORMAT_VERSION; 1 is read too: a version 1 file has no videos)
//   12  u32      header length in bytes (UTF-8 JSON, padded with spaces to a multiple of 4)
//   16  header   IndexHeader
//   ..  float32  embeddings, embedDim values each (unit length): every entry of `photos` in order
//                gives its rows, one row for a photo, one row per sampled frame for a video (in
//                `video.frames` order; a video has no row of its own). Without videos, row i is
//                photos[i]'s, as in version 1. rowsOf() gives each entry's first row.
//   ..  bytes    thumbnails (header.thumbnailBytes): each photo's image at its offset in this
//                section, and each video frame's (`frameThumbnails`, beside `video.frames`). The
//                writer lays them out entry by entry, a video's own thumbnail (its first frame's)
//                sharing that frame's bytes; a reader only follows the offsets.
import type { ModelIdentity } from '../bundle/identity';
import type { FileRecord, PhotoMeta } from '../records';

export const INDEX_MAGIC = 'LCINDEX\n';
export const INDEX_FORMAT = 'longclip-index';
export const INDEX_FORMAT_VERSION = 2;
/** The versions this reader opens. */
export const READABLE_VERSIONS: readonly number[] = [1, 2];
/** Bytes before the header: magic, version, header length. */
export const PREAMBLE_BYTES = 16;
/** The file name extension the app and the CLI use. */
export const INDEX_EXTENSION = '.lcindex';

export interface IndexThumbnail {
  /** Byte offset inside the thumbnail section. */
  offset: number;
  length: number;
  /** "image/webp", "image/jpeg" or "image/png". */
  type: string;
  width: number;
  height: number;
}

/**
 * One distinct photo or video (by the SHA-256 of its bytes). A photo has one row of embeddings,
 * a video (with `video`) one per sampled frame; rowsOf() gives where they start.
 */
export interface IndexPhoto extends PhotoMeta {
  /** A photo's thumbnail; a video's is its first frame's. */
  thumbnail: IndexThumbnail | null;
  /** A video's frame thumbnails, one per `video.frames` entry (version 2); absent for a photo. */
  frameThumbnails?: (IndexThumbnail | null)[];
}

/** Each entry's first row in the embeddings section, and (last) the number of rows: photos[i]'s rows are rows[i] to rows[i + 1] - 1. */
export function rowsOf(photos: readonly Pick<PhotoMeta, 'video'>[]): number[] {
  const rows = [0];
  let at = 0;
  for (const p of photos) rows.push((at += p.video ? p.video.frames.length : 1));
  return rows;
}

/**
 * The fields of the app's FileRecord that the index file carries, by name: the format is this
 * list, so a field added to the database's record never changes it by accident (a test pins it).
 */
export const FILE_RECORD_KEYS = ['path', 'name', 'folder', 'hash', 'size', 'lastModified', 'type', 'addedAt'] as const satisfies readonly (keyof FileRecord)[];

/**
 * One file of the library: the FILE_RECORD_KEYS of the app's FileRecord. Other fields (added by
 * newer versions, e.g. `takenAt`) travel in `extra` (flat in the file) when their values are
 * plain strings, numbers or booleans.
 */
export type IndexFileRecord = Pick<FileRecord, (typeof FILE_RECORD_KEYS)[number]> & {
  extra?: Record<string, string | number | boolean>;
};

export interface IndexHeader {
  format: typeof INDEX_FORMAT;
  version: number;
  /** ISO 8601. */
  createdAt: string;
  createdBy: 'app' | 'cli';
  model: ModelIdentity;
  photos: IndexPhoto[];
  files: IndexFileRecord[];
  /** Length of the thumbnail section. */
  thumbnailBytes: number;
}

/** A file that is not a readable index: the message names the problem. */
export class IndexFileError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'IndexFileError';
  }
}

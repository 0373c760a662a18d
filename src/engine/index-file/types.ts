// The index file (".lcindex"): one model's embeddings of a photo library, with the photos' and
// files' metadata and optional thumbnails, so a library indexed in one place (the CLI on a
// stronger machine, another browser) can be used in another.
//
// Layout (all integers little-endian):
//   0   8 bytes  magic "LCINDEX\n"
//   8   u32      format version (INDEX_FORMAT_VERSION)
//   12  u32      header length in bytes (UTF-8 JSON, padded with spaces to a multiple of 4)
//   16  header   IndexHeader
//   ..  float32  embeddings: photos.length x model.embedDim, in photo order (unit length)
//   ..  bytes    thumbnails (header.thumbnailBytes): each photo's image at its offset in this section
import type { ModelIdentity } from '../bundle/identity';
import type { FileRecord, PhotoMeta } from '../records';

export const INDEX_MAGIC = 'LCINDEX\n';
export const INDEX_FORMAT = 'longclip-index';
export const INDEX_FORMAT_VERSION = 1;
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

/** One distinct photo (by the SHA-256 of its bytes); its embedding has the same position. */
export interface IndexPhoto extends PhotoMeta {
  thumbnail: IndexThumbnail | null;
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

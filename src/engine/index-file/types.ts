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

export const INDEX_MAGIC = 'LCINDEX\n';
export const INDEX_FORMAT = 'longclip-index';
export const INDEX_FORMAT_VERSION = 1;
/** Bytes before the header: magic, version, header length. */
export const PREAMBLE_BYTES = 16;
/** The file name extension the app and the CLI use. */
export const INDEX_EXTENSION = '.lcindex';

/** Which weights made the embeddings: the same weights converted by the CLI or in the app match. */
export interface ModelIdentity {
  /** SHA-256 of the source checkpoint (64 lowercase hex digits). */
  sourceSha256: string;
  /** How the bundle stores its matrices. */
  dtype: 'float32' | 'float16' | 'int8';
  /** The converter's major version (embeddings change only with it). */
  converterMajor: number;
  /** The app's model key: `<sourceSha256>:<dtype>:v<converterMajor>`. */
  key: string;
  /** A name for messages ("LongCLIP-B", "demo-longclip"); not part of the identity. */
  name: string;
  embedDim: number;
}

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
export interface IndexPhoto {
  hash: string;
  width: number;
  height: number;
  type: string;
  size: number;
  thumbnail: IndexThumbnail | null;
}

/**
 * One file of the library, as the app's FileRecord. Fields beyond the known ones (added by newer
 * versions, e.g. `takenAt`) travel in `extra` (flat in the file) when their values are plain
 * strings, numbers or booleans.
 */
export interface IndexFileRecord {
  path: string;
  name: string;
  folder: string;
  hash: string;
  size: number;
  lastModified: number;
  type: string;
  addedAt: number;
  extra?: Record<string, string | number | boolean>;
}

export const FILE_RECORD_KEYS = ['path', 'name', 'folder', 'hash', 'size', 'lastModified', 'type', 'addedAt'] as const;

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

/** An index made with other weights than the model it is used with. */
export class ModelMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelMismatchError';
  }
}

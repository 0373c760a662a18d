// The library database (IndexedDB): its stores and records. Photo and file records are the
// engine's (src/engine/records.ts), so the index file and the CLI share them.
import type { DBSchema } from 'idb';
import type { BundleManifest } from '../engine/bundle/manifest';
import type { Thumbnail } from '../engine/preprocess/thumbnail';
import type { FileRecord, PhotoMeta } from '../engine/records';

export type { FileRecord };

export const DB_NAME = 'longclip-search';
/** Bump with a migration in db.ts whenever a store or index changes. */
export const DB_VERSION = 3;

/** One distinct photo (PhotoMeta: keyed by the SHA-256 of its bytes), with when it was first added. */
export interface PhotoRecord extends PhotoMeta {
  addedAt: number;
}

/** A photo's thumbnail (its type is the Blob's). */
export type ThumbnailRecord = { hash: string; blob: Blob } & Pick<Thumbnail, 'width' | 'height'>;

/** A photo has an embedding under a model (v3): the block of `vectors` that holds it (vector-blocks.ts). */
export interface EmbeddingRecord {
  model: string;
  hash: string;
  block: number;
}

/** Up to BLOCK_ROWS unit embeddings of one model, packed (v3): row i is the vector of `hashes[i]`. */
export interface VectorBlockRecord {
  model: string;
  block: number;
  hashes: string[];
  /** hashes.length x the model's dimension, row after row. */
  vectors: Float32Array;
}

/** An embedding as versions 1 and 2 stored it, one record per photo and model (read by the v3 upgrade only). */
export interface EmbeddingRecordV2 {
  model: string;
  hash: string;
  vector: Float32Array;
}

/** A model bundle kept in browser storage (its files live in the Cache API). */
export interface ModelRecord {
  key: string;
  name: string;
  bytes: number;
  storedAt: number;
  manifest: BundleManifest;
  /** Cache API request URLs of the bundle's files, by file name. */
  files: Record<string, string>;
  /** Where it came from: "builtin:<id>", "hosted:<name>" or "import". */
  origin: string;
}

/** A folder picked with the File System Access API, remembered for rescans. */
export interface FolderRecord {
  name: string;
  handle: FileSystemDirectoryHandle;
  addedAt: number;
}

/**
 * An indexing job: the files of one add (an input, a drop, a picked or rescanned folder), or
 * the files the start-up check queued again. Its files wait in the `queue` store; a job is
 * deleted once none of them is left. (v2)
 */
export interface JobRecord {
  /** Auto-incremented. */
  id?: number;
  createdAt: number;
  /** Files queued by this job. */
  total: number;
  /** "add" by the user, "repair" by the start-up integrity check. */
  origin: 'add' | 'repair';
  /** Files of this job that were skipped, shown again after a reload. */
  skipped: { path: string; reason: string }[];
}

/** Where a queued file's bytes can be read again after a reload. */
export type QueueSource =
  /** A temporary copy of a File (an input, a drop without handles), deleted with its entry. */
  | { kind: 'file'; blob: Blob }
  /** A file under a folder picked with the File System Access API: the folder's handle; the path below it. */
  | { kind: 'folder'; root: FileSystemDirectoryHandle };

/**
 * One file still to index (v2). It is deleted in the transaction that writes its photo,
 * thumbnail, embedding and file records (or its file record alone for a photo already
 * embedded), so after a reload exactly the files not yet committed are indexed.
 */
export interface QueueEntry {
  /** Auto-incremented: the order of indexing. */
  id?: number;
  job: number;
  /** The path as added ("Holidays/2019/IMG_0001.jpg"); for a folder it starts with the folder's name. */
  path: string;
  name: string;
  size: number;
  lastModified: number;
  type: string;
  source: QueueSource;
}

export interface LibrarySchema extends DBSchema {
  photos: { key: string; value: PhotoRecord };
  files: { key: string; value: FileRecord; indexes: { 'by-hash': string } };
  thumbnails: { key: string; value: ThumbnailRecord };
  embeddings: { key: [string, string]; value: EmbeddingRecord; indexes: { 'by-model': string } };
  vectors: { key: [string, number]; value: VectorBlockRecord };
  models: { key: string; value: ModelRecord };
  folders: { key: string; value: FolderRecord };
  jobs: { key: number; value: JobRecord };
  queue: { key: number; value: QueueEntry; indexes: { 'by-job': number } };
}

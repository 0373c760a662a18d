import type { DBSchema } from 'idb';
import type { BundleManifest } from '../engine/bundle/manifest';

export const DB_NAME = 'longclip-search';
/** Bump with a migration in db.ts whenever a store or index changes. */
export const DB_VERSION = 1;

/** One distinct photo, keyed by the SHA-256 of its bytes: a renamed or moved copy is the same photo. */
export interface PhotoRecord {
  hash: string;
  width: number;
  height: number;
  type: string;
  size: number;
  addedAt: number;
}

/** One file the user added; several files can share a photo. */
export interface FileRecord {
  /** Path inside what was added ("Holidays/2019/IMG_0001.jpg"); the key. */
  path: string;
  name: string;
  folder: string;
  hash: string;
  size: number;
  lastModified: number;
  type: string;
  addedAt: number;
}

export interface ThumbnailRecord {
  hash: string;
  blob: Blob;
  width: number;
  height: number;
}

/** An image embedding of one photo under one model, normalised to unit length. */
export interface EmbeddingRecord {
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

export interface LibrarySchema extends DBSchema {
  photos: { key: string; value: PhotoRecord };
  files: { key: string; value: FileRecord; indexes: { 'by-hash': string } };
  thumbnails: { key: string; value: ThumbnailRecord };
  embeddings: { key: [string, string]; value: EmbeddingRecord; indexes: { 'by-model': string } };
  models: { key: string; value: ModelRecord };
  folders: { key: string; value: FolderRecord };
}

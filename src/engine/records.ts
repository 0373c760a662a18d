// The photo library's records, defined once: the database (src/library/schema.ts), the index
// file (index-file/types.ts), the worker and the CLI derive theirs from these.
import { exifDate } from './preprocess/exif-date';

/** One distinct photo, keyed by the SHA-256 of its bytes: a renamed or moved copy is the same photo. */
export interface PhotoMeta {
  hash: string;
  width: number;
  height: number;
  type: string;
  size: number;
  /** Present for a video: it is indexed by its sampled frames (engine/video/), written once all are embedded. */
  video?: VideoMeta;
}

/** A video's own record: its length and the times of its sampled frames, whose rows are keyed "<hash>@<ms>" (engine/video/frame-key.ts). */
export interface VideoMeta {
  /** Seconds. */
  duration: number;
  /** Milliseconds of each sampled frame, in order. */
  frames: number[];
  /** The container's codec name ("avc", "vp9", …). */
  codec: string;
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
  /**
   * The EXIF capture date (preprocess/exif-date.ts): epoch ms, or the camera's wall-clock
   * time written as UTC ms when the photo gives no offset. Absent in records from before it was read.
   */
  takenAt?: number;
}

/** What a file record is made of, apart from the bytes: the file as added (a File in the browser, a stat in Node). */
export type AddedFile = Pick<FileRecord, 'path' | 'name' | 'size' | 'lastModified' | 'type'>;

/** The record of a file whose bytes hash to `hash`: its folder from its path, its capture date from its EXIF. */
export function fileRecordFor(file: AddedFile, hash: string, bytes: Uint8Array, addedAt = Date.now()): FileRecord {
  const slash = file.path.lastIndexOf('/');
  const takenAt = exifDate(bytes);
  return {
    path: file.path,
    name: file.name,
    folder: slash > 0 ? file.path.slice(0, slash) : '',
    hash,
    size: file.size,
    lastModified: file.lastModified,
    type: file.type,
    addedAt,
    ...(takenAt !== null && { takenAt }),
  };
}

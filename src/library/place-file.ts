// Where a file record goes in the `files` store without losing another one: the indexer and an
// index import place records the same way.
import { quiet } from './queue';
import type { FileRecord } from './schema';

/** Paths tried for a loose file before giving up ("a.jpg", "a (2).jpg", ... "a (1000).jpg"). */
const MAX_NAME_TRIES = 1000;

/** The parts of the `files` store (in a readwrite transaction) that placing a record uses. */
export interface FilesStore {
  get(path: string): Promise<FileRecord | undefined>;
  put(record: FileRecord): Promise<unknown>;
}

/**
 * Writes a file record without losing another one. A file already recorded with these bytes is
 * left alone (its date added stays; only a missing capture date is filled in). A file inside a folder whose path holds other bytes has
 * changed on disk: the new bytes replace the old. A loose file (added without a folder) whose
 * name is taken by other bytes is another photo with the same name: it gets the next free name,
 * "a (2).jpg", as a download folder does.
 */
export async function placeFile(files: FilesStore, record: FileRecord): Promise<void> {
  const loose = !record.path.includes('/');
  for (let n = 1; n <= (loose ? MAX_NAME_TRIES : 1); n++) {
    const path = n === 1 ? record.path : numberedName(record.path, n);
    const existing = await files.get(path);
    if (existing?.hash === record.hash) {
      // Recorded before capture dates were read: the date is filled in, the rest stays.
      if (record.takenAt !== undefined && existing.takenAt === undefined) quiet(files.put({ ...existing, takenAt: record.takenAt }));
      return;
    }
    if (!existing || !loose) {
      quiet(files.put(n === 1 ? record : { ...record, path, name: path }));
      return;
    }
  }
  throw new Error(`more than ${MAX_NAME_TRIES} different photos are named "${record.path}"`);
}

/** "IMG_1.jpg", 2 -> "IMG_1 (2).jpg"; "README", 3 -> "README (3)". */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

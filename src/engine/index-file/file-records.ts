// The app's file records in an index file and back: the FILE_RECORD_KEYS as they are, any other
// plain field (e.g. `takenAt`) in `extra`.
import type { FileRecord } from '../records';
import { FILE_RECORD_KEYS, type IndexFileRecord } from './types';

/** A file record as an index record: the FILE_RECORD_KEYS, and any other plain values in `extra`. */
export function toIndexRecord(record: FileRecord): IndexFileRecord {
  const extra: Record<string, string | number | boolean> = {};
  for (const [k, v] of Object.entries(record)) {
    if ((FILE_RECORD_KEYS as readonly string[]).includes(k)) continue;
    if (typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v))) extra[k] = v;
  }
  const out: IndexFileRecord = {
    path: record.path,
    name: record.name,
    folder: record.folder,
    hash: record.hash,
    size: record.size,
    lastModified: record.lastModified,
    type: record.type,
    addedAt: record.addedAt,
  };
  if (Object.keys(extra).length) out.extra = extra;
  return out;
}

/** An index record as the library stores it: the known fields and the extra ones (e.g. takenAt) carried. */
export function fromIndexRecord(f: IndexFileRecord): FileRecord {
  const { extra, ...known } = f;
  return { ...extra, ...known };
}

// The library's files grouped by the photo (content hash) they hold.
import type { FileRecord } from '../library/schema';

/** The library's files grouped by the photo (content hash) they hold, in the order given. */
export function filesByHash(files: readonly FileRecord[]): Map<string, FileRecord[]> {
  const byHash = new Map<string, FileRecord[]>();
  for (const f of files) {
    const list = byHash.get(f.hash);
    if (list) list.push(f);
    else byHash.set(f.hash, [f]);
  }
  return byHash;
}

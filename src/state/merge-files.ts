// The library's files in path order, and newly indexed files merged into them without reading
// (or sorting, or scanning) the whole library again.
import type { FileRecord } from '../library/schema';

/**
 * Path order: the order of the `files` store's keys (UTF-16 code units), in which IndexedDB
 * returns them, so the whole library is never sorted on the page.
 */
export const comparePaths = (a: FileRecord, b: FileRecord) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** The first place in `files` (sorted by path) whose path is not before `file`'s. */
function placeOf(files: readonly FileRecord[], file: FileRecord): number {
  let lo = 0;
  let hi = files.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (comparePaths(files[mid]!, file) < 0) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * `files` (sorted by path) with `added` in their places, as a new array; a path in both takes
 * the added record (the old one goes into `replaced`). `byHash` (the files grouped by photo) is
 * updated in place to match.
 */
export function mergeFiles(
  files: readonly FileRecord[],
  added: readonly FileRecord[],
  byHash?: Map<string, FileRecord[]>,
  replaced?: FileRecord[],
): FileRecord[] {
  if (!added.length) return files as FileRecord[];
  const out = files.slice();
  for (const file of added) {
    const at = placeOf(out, file);
    const there = out[at];
    if (there && there.path === file.path) {
      out[at] = file;
      replaced?.push(there);
      if (byHash) removeFrom(byHash, there);
    } else out.splice(at, 0, file);
    if (byHash) {
      const list = byHash.get(file.hash);
      if (list) list.push(file);
      else byHash.set(file.hash, [file]);
    }
  }
  return out;
}

function removeFrom(byHash: Map<string, FileRecord[]>, file: FileRecord): void {
  const list = byHash.get(file.hash);
  if (!list) return;
  const rest = list.filter((f) => f.path !== file.path);
  if (rest.length) byHash.set(file.hash, rest);
  else byHash.delete(file.hash);
}

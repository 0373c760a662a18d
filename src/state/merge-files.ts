// The library's files in path order, and newly indexed files merged into them without reading
// (or sorting) the whole library again.
import type { FileRecord } from '../library/schema';

/** Path order (as String#localeCompare, with one collator for a whole sort). */
const byPath = new Intl.Collator();
export const comparePaths = (a: FileRecord, b: FileRecord) => byPath.compare(a.path, b.path);

/** `files` (sorted by path) with `added` in their places; a path in both takes the added record. */
export function mergeFiles(files: readonly FileRecord[], added: FileRecord[]): FileRecord[] {
  if (!added.length) return files as FileRecord[];
  const paths = new Set(added.map((f) => f.path));
  const kept = files.filter((f) => !paths.has(f.path));
  const sorted = added.sort(comparePaths);
  const out: FileRecord[] = new Array<FileRecord>(kept.length + sorted.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < kept.length || j < sorted.length)
    out[k++] = j >= sorted.length || (i < kept.length && comparePaths(kept[i]!, sorted[j]!) <= 0) ? kept[i++]! : sorted[j++]!;
  return out;
}

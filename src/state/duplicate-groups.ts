// What the duplicates view lists: the worker's groups of similar photos expanded to their files,
// and photos kept as several files (same bytes, so one photo) as groups of identical files.
import type { FileRecord } from '../library/schema';
import type { SimilarGroup } from '../worker/protocol';
import { plural } from '../engine/format';
import { filesByHash } from './files-by-hash';

export interface DuplicatePhoto {
  hash: string;
  /** In path order. */
  files: FileRecord[];
}

export interface DuplicateGroupView {
  /** The first photo's hash: stable while the group holds it. */
  key: string;
  /** `identical`: one photo kept as several files; `similar`: photos whose embeddings are nearly the same. */
  kind: 'identical' | 'similar';
  photos: DuplicatePhoto[];
  files: number;
  /** Lowest and highest cosine between two photos of a `similar` group (null for `identical`). */
  minSimilarity: number | null;
  maxSimilarity: number | null;
}

/**
 * Identical-file groups first (every copy of them is certain), most files first; then the groups
 * of similar photos in the worker's order (largest, then most alike). A photo with several files
 * inside a similar group stays there, with all its files; photos no file holds any more are left out.
 */
export function duplicateGroupViews(similar: readonly SimilarGroup[], files: readonly FileRecord[]): DuplicateGroupView[] {
  const byHash = filesByHash(files);
  for (const list of byHash.values()) list.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));

  const inSimilar = new Set<string>();
  const similarViews: DuplicateGroupView[] = [];
  for (const g of similar) {
    const photos = g.hashes.flatMap((hash) => {
      const list = byHash.get(hash);
      return list ? [{ hash, files: list }] : [];
    });
    // Photos no file holds any more drop out; a group left with one photo is at most its identical files (below).
    if (photos.length < 2) continue;
    for (const p of photos) inSimilar.add(p.hash);
    const count = photos.reduce((n, p) => n + p.files.length, 0);
    similarViews.push({ key: photos[0]!.hash, kind: 'similar', photos, files: count, minSimilarity: g.minSimilarity, maxSimilarity: g.maxSimilarity });
  }

  const identical: DuplicateGroupView[] = [];
  for (const [hash, list] of byHash) {
    if (list.length < 2 || inSimilar.has(hash)) continue;
    identical.push({ key: hash, kind: 'identical', photos: [{ hash, files: list }], files: list.length, minSimilarity: null, maxSimilarity: null });
  }
  identical.sort((a, b) => b.files - a.files || (a.photos[0]!.files[0]!.path < b.photos[0]!.files[0]!.path ? -1 : 1));
  return [...identical, ...similarViews];
}

/** "3 groups, 7 files". */
export function duplicatesSummary(groups: readonly DuplicateGroupView[]): string {
  const files = groups.reduce((n, g) => n + g.files, 0);
  return `${plural(groups.length, 'group')}, ${plural(files, 'file')}`;
}

/** "Identical files", or "Similarity 0.962–0.999" ("Similarity 0.998" when both ends show alike). */
export function groupLabel(group: DuplicateGroupView): string {
  if (group.kind === 'identical' || group.minSimilarity === null || group.maxSimilarity === null) return 'Identical files';
  const lo = similarityText(group.minSimilarity);
  const hi = similarityText(group.maxSimilarity);
  return lo === hi ? `Similarity ${hi}` : `Similarity ${lo}–${hi}`;
}

/** Three decimals, cut rather than rounded: a re-encoded copy at 0.99996 reads 0.999, never 1.000 as if identical. */
export function similarityText(x: number): string {
  return (Math.floor(x * 1000 + 1e-9) / 1000).toFixed(3);
}

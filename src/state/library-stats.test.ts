// The library stats kept batch by batch equal the stats counted again over every file, through a
// seeded run of the page's events: photos embedded, their files merged (new paths, a path whose
// bytes changed, copies of photos already there), in any order.
import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../library/schema';
import { Rng } from '../engine/testing/fuzz';
import { NO_STATS, statsOf, withEmbedded, withFiles } from './library-stats';
import { mergeFiles } from './merge-files';
import { HashSetView } from './shared-views';

const NAMES = ['a.jpg', 'b.png', 'c.webp', 'd.gif', 'e.heic', 'f.mp4', 'g.mov'];
const TYPES = ['image/jpeg', 'image/png', 'image/webp', 'image/gif', 'image/heic', 'video/mp4', ''];

function file(rng: Rng, hash: string, paths: string[]): FileRecord {
  const reuse = paths.length > 0 && rng.chance(0.15);
  const folder = rng.pick(['', 'Trip', 'Trip/Day 1', 'Home', 'Home/2024/May']);
  const k = rng.int(NAMES.length);
  const path = reuse ? rng.pick(paths) : `${folder ? `${folder}/` : ''}${rng.int(1e6)}-${NAMES[k]}`;
  if (!reuse) paths.push(path);
  return {
    path,
    name: path.split('/').pop()!,
    folder: path.includes('/') ? path.slice(0, path.lastIndexOf('/')) : '',
    hash,
    size: 1,
    lastModified: 0,
    type: TYPES[k]!,
  } as FileRecord;
}

describe('library stats', () => {
  it('kept batch by batch, equal the stats counted over every file', () => {
    const rng = new Rng(2026);
    let files: FileRecord[] = [];
    const byHash = new Map<string, FileRecord[]>();
    let embedded = new HashSetView();
    let stats = NO_STATS;
    const paths: string[] = [];
    const photos = Array.from({ length: 60 }, (_, i) => `h${i}`);
    for (let step = 0; step < 400; step++) {
      if (rng.chance(0.4)) {
        // An `indexed` event: photos embedded, some perhaps announced twice.
        const hashes = Array.from({ length: 1 + rng.int(4) }, () => rng.pick(photos));
        const fresh = [...new Set(hashes)].filter((h) => !embedded.has(h));
        stats = withEmbedded(stats, fresh, (h) => byHash.get(h));
        embedded = embedded.grown(fresh);
      } else {
        // Files read and merged: new paths, a path whose bytes changed, copies of a photo.
        const added = Array.from({ length: 1 + rng.int(5) }, () => file(rng, rng.pick(photos), paths));
        const unique = [...new Map(added.map((f) => [f.path, f])).values()];
        const replaced: FileRecord[] = [];
        files = mergeFiles(files, unique, byHash, replaced);
        stats = withFiles(stats, unique, replaced, embedded);
      }
      const full = statsOf(files, embedded);
      expect(stats.indexedFiles, `step ${step}`).toBe(full.indexedFiles);
      expect(stats.indexedVideoFiles, `step ${step}`).toBe(full.indexedVideoFiles);
      // Folders and types only grow between full reads; here no file leaves, so they match too.
      expect(stats.folders).toEqual(full.folders);
      expect([...stats.types].sort()).toEqual([...full.types].sort());
    }
    expect(stats.indexedFiles).toBeGreaterThan(50);
    expect(stats.indexedVideoFiles).toBeGreaterThan(5);
  });
});

import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../library/schema';
import { filesByHash } from './files-by-hash';
import { comparePaths, mergeFiles } from './merge-files';

const file = (path: string, hash = path): FileRecord => ({ path, name: path, folder: '', hash, size: 1, lastModified: 1, type: 'image/jpeg', addedAt: 1 });

describe('mergeFiles', () => {
  it('gives what sorting everything again gives: new paths in their places, a path in both replaced', () => {
    const paths = Array.from({ length: 200 }, (_, i) => `F${(i * 7919) % 200}/img ${i % 13}.jpg`);
    const old = paths
      .slice(0, 150)
      .map((p) => file(p))
      .sort(comparePaths);
    const added = [...paths.slice(150).map((p) => file(p)), file(paths[3]!, 'new bytes')];
    const byHash = filesByHash(old);
    const merged = mergeFiles(old, added.slice(), byHash);
    const expected = [...old.filter((f) => f.path !== paths[3]), ...added].sort(comparePaths);
    expect(merged).toEqual(expected);
    // The grouping by photo follows, in place.
    expect(new Map([...byHash].map(([h, list]) => [h, list.map((f) => f.path).sort()]))).toEqual(
      new Map([...filesByHash(expected)].map(([h, list]) => [h, list.map((f) => f.path).sort()])),
    );
    expect(merged.find((f) => f.path === paths[3])!.hash).toBe('new bytes');
    expect(mergeFiles(old, [])).toBe(old);
  });

  it('orders paths as the files store orders its keys (UTF-16 code units)', () => {
    const paths = ['b.jpg', 'B.jpg', 'a/2.jpg', 'a/10.jpg', 'Ä.jpg', 'z.jpg', '😀.jpg', 'ﬀ.jpg'];
    expect(
      mergeFiles(
        [],
        paths.map((p) => file(p)),
      ).map((f) => f.path),
    ).toEqual(paths.slice().sort());
    expect(paths.slice().sort((a, b) => indexedDB.cmp(a, b))).toEqual(paths.slice().sort());
  });
});

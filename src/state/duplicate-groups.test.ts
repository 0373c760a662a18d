import { describe, expect, test } from 'vitest';
import type { FileRecord } from '../library/schema';
import { duplicateGroupViews, duplicatesSummary, groupLabel, similarityText } from './duplicate-groups';

function file(path: string, hash: string): FileRecord {
  const name = path.split('/').pop()!;
  return { path, name, folder: path.slice(0, -name.length - 1), hash, size: 1, lastModified: 0, type: 'image/png', addedAt: 0 };
}

describe('duplicateGroupViews', () => {
  const files = [
    file('a/one.png', 'h1'),
    file('b/one copy.png', 'h1'),
    file('a/two.png', 'h2'),
    file('a/two-small.jpg', 'h3'),
    file('a/three.png', 'h4'),
    file('a/four.png', 'h5'),
    file('c/four.png', 'h5'),
    file('d/four.png', 'h5'),
    file('a/five.png', 'h6'),
    file('a/five-edit.png', 'h7'),
  ];

  test('lists identical files first (most files first), then similar photos with all their files, in the given order', () => {
    const groups = duplicateGroupViews(
      [
        { hashes: ['h6', 'h7', 'h1'], minSimilarity: 0.91, maxSimilarity: 0.97 },
        { hashes: ['h2', 'h3'], minSimilarity: 0.999, maxSimilarity: 0.999 },
      ],
      files,
    );
    expect(groups.map((g) => [g.kind, g.photos.map((p) => p.files.map((f) => f.path))])).toEqual([
      ['identical', [['a/four.png', 'c/four.png', 'd/four.png']]],
      // h1 is kept as two files and is like h6 and h7: it stays in their group, not listed twice.
      ['similar', [['a/five.png'], ['a/five-edit.png'], ['a/one.png', 'b/one copy.png']]],
      ['similar', [['a/two.png'], ['a/two-small.jpg']]],
    ]);
    expect(groups.map((g) => g.files)).toEqual([3, 4, 2]);
    expect(duplicatesSummary(groups)).toBe('3 groups, 9 files');
  });

  test('without similar photos, a photo kept as several files is still a group; photos no file holds are left out', () => {
    const groups = duplicateGroupViews([{ hashes: ['h4', 'gone'], minSimilarity: 0.96, maxSimilarity: 0.96 }], files);
    expect(groups.map((g) => [g.kind, g.key, g.files])).toEqual([
      ['identical', 'h5', 3],
      ['identical', 'h1', 2],
    ]);
    expect(duplicatesSummary([])).toBe('0 groups, 0 files');
  });

  test('labels each group', () => {
    const [identical, similar, same] = duplicateGroupViews(
      [
        { hashes: ['h2', 'h3'], minSimilarity: 0.9612, maxSimilarity: 0.99949 },
        { hashes: ['h6', 'h7'], minSimilarity: 0.98759, maxSimilarity: 0.98761 },
      ],
      files.filter((f) => f.hash !== 'h5'),
    );
    expect(groupLabel(identical!)).toBe('Identical files');
    expect(groupLabel(similar!)).toBe('Similarity 0.961–0.999');
    expect(groupLabel(same!)).toBe('Similarity 0.987');
    expect(similarityText(0.99996)).toBe('0.999');
    expect(similarityText(1)).toBe('1.000');
    expect(similarityText(-0.2524)).toBe('-0.253');
  });
});

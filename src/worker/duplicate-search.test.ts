import { expect, test } from 'vitest';
import { EmbeddingMatrix } from '../engine/rank';
import { frameKey } from '../engine/video/frame-key';
import { duplicateGroups } from './duplicate-search';
import type { TaskProgress } from './protocol';

test('groups the matrix rows by hash, with progress to the end, and stops when cancelled', async () => {
  const m = new EmbeddingMatrix(3);
  m.add('h-a', [1, 0, 0]);
  m.add('h-b', [0, 1, 0]);
  m.add('h-a2', [0.99, 0.05, 0]);
  const seen: TaskProgress[] = [];
  const result = await duplicateGroups(m, 0.95, new AbortController().signal, (p) => seen.push(p));
  expect(result.compared).toBe(3);
  expect(result.groups).toHaveLength(1);
  expect(result.groups[0]!.hashes).toEqual(['h-a', 'h-a2']);
  expect(result.groups[0]!.maxSimilarity).toBeCloseTo(0.99 / Math.hypot(0.99, 0.05), 6);
  expect(seen.at(-1)).toMatchObject({ phase: 'duplicates', label: 'Comparing photos' });
  expect(seen.at(-1)!.done).toBe(seen.at(-1)!.total);

  const cancelled = new AbortController();
  cancelled.abort();
  await expect(duplicateGroups(m, 0.95, cancelled.signal, () => {})).rejects.toThrow();
});

test('compares videos by the mean of their frames, with photos, in one scan: two copies of one video group, by hash; frames never group', async () => {
  const m = new EmbeddingMatrix(4);
  // Two copies of a video (the same frames, stored in another order: the mean does not care), and
  // a video of other scenes; each video's frames are far apart, and adjacent ones near-identical.
  const frames = [
    [1, 0, 0, 0],
    [0.99, 0.1, 0, 0],
    [0, 1, 0, 0],
  ];
  frames.forEach((v, i) => m.add(frameKey('v-a', i * 1000), v));
  frames.toReversed().forEach((v, i) => m.add(frameKey('v-a2', i * 500), v));
  m.add(frameKey('v-b', 0), [0, 0, 1, 0]);
  m.add(frameKey('v-b', 1000), [0, 0, 0.99, 0.1]);
  // A photo of one scene of v-a: no duplicate of the whole video.
  m.add('p-scene', [1, 0, 0, 0]);
  m.add('p-1', [0, 0, 0.2, 1]);
  m.add('p-1copy', [0, 0, 0.21, 1]);
  const result = await duplicateGroups(m, 0.95, new AbortController().signal, () => {});
  expect(result.compared).toBe(6);
  expect(result.groups.map((g) => g.hashes)).toEqual([
    ['v-a', 'v-a2'],
    ['p-1', 'p-1copy'],
  ]);
  expect(result.groups[0]!.minSimilarity).toBeCloseTo(1, 5);
  for (const g of result.groups) for (const h of g.hashes) expect(h).not.toContain('@');
});

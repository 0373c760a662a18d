import { expect, test } from 'vitest';
import { EmbeddingMatrix } from '../engine/rank';
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

import { expect, test } from 'vitest';
import { EmbeddingMatrix } from '../rank';
import { frameKey } from './frame-key';
import { itemRows } from './item-rows';

test("one unit row per item: a photo's own, a video's the mean of its frames, in the order of their first rows", () => {
  const m = new EmbeddingMatrix(3);
  m.add('p1', [0, 0, 2]);
  m.add(frameKey('v', 0), [1, 0, 0]);
  m.add('p2', [0, 1, 0]);
  m.add(frameKey('v', 1000), [0, 1, 0]);
  const { keys, rows } = itemRows(m);
  expect(keys).toEqual(['p1', 'v', 'p2']);
  const row = (i: number) => Array.from(rows.subarray(i * 3, i * 3 + 3));
  expect(row(0)[2]).toBeCloseTo(1, 5);
  expect(row(1)[0]).toBeCloseTo(Math.SQRT1_2, 5);
  expect(row(1)[1]).toBeCloseTo(Math.SQRT1_2, 5);
  expect(row(1)[2]).toBeCloseTo(0, 5);
  expect(row(2)[1]).toBeCloseTo(1, 5);
});

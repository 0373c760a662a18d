// albumScores on a hand-made matrix: a video is one member, by its hash, scored per category by
// its best frame; frame keys never appear, named or not.
import { describe, expect, test } from 'vitest';
import type { ClassVectors } from '../engine/query/zero-shot';
import { EmbeddingMatrix } from '../engine/rank';
import { frameKey } from '../engine/video/frame-key';
import { albumScores } from './albums';

/** Three categories along the first three axes. */
const classes: ClassVectors = {
  labels: ['beach', 'dog', 'snow'],
  templates: ['a photo of a {}.'],
  dim: 4,
  vectors: new Float32Array([1, 0, 0, 0, 0, 1, 0, 0, 0, 0, 1, 0]),
};

function library(): EmbeddingMatrix {
  const m = new EmbeddingMatrix(4);
  m.add('p-beach', [0.9, 0.1, 0, 0.4]);
  // A video mostly of snow, with one moment of a dog (its best dog score beats its best snow score).
  m.add(frameKey('v', 0), [0, 0, 0.8, 0.6]);
  m.add(frameKey('v', 1000), [0, 0, 0.8, 0.6]);
  m.add(frameKey('v', 2000), [0, 0.95, 0, 0.3]);
  m.add('p-snow', [0, 0, 1, 0.2]);
  m.add(frameKey('w', 0), [0.7, 0, 0, 0.7]);
  return m;
}

describe('albums of photos and videos', () => {
  test("the whole library: each video once, by its hash, at each category's best frame", () => {
    const m = library();
    const a = albumScores(classes, m, null);
    expect(a.hashes).toEqual(['p-beach', 'v', 'p-snow', 'w']);
    expect(Array.from(a.best)).toEqual([0, 1, 2, 0]);
    const v = a.hashes.indexOf('v');
    const cos = (key: string, c: number) => m.score(key, classes.vectors.subarray(c * 4, c * 4 + 4))!;
    expect(a.score[v]).toBeCloseTo(cos(frameKey('v', 2000), 1), 5);
    // The margin is over the best frames' scores: the dog moment's over the snow frames'.
    expect(a.margin[v]).toBeCloseTo(cos(frameKey('v', 2000), 1) - cos(frameKey('v', 0), 2), 5);
    expect(a.spread[v]).toBeGreaterThan(0);
    for (const h of a.hashes) expect(h).not.toContain('@');
  });

  test('named items are scored as the whole library scores them; frame keys and unknown keys are dropped', () => {
    const m = library();
    const all = albumScores(classes, m, null);
    const part = albumScores(classes, m, ['v', frameKey('v', 0), 'nope', 'p-snow', 'v']);
    expect(part.hashes).toEqual(['v', 'p-snow']);
    expect(Array.from(part.best)).toEqual([all.best[1], all.best[2]]);
    expect(part.score[0]).toBeCloseTo(all.score[1]!, 4);
    expect(part.margin[0]).toBeCloseTo(all.margin[1]!, 4);
    expect(part.spread[1]).toBeCloseTo(all.spread[2]!, 4);
  });

  test('a library of photos only is scored row by row, as before', () => {
    const m = new EmbeddingMatrix(4);
    m.add('a', [0, 1, 0, 0]);
    m.add('b', [0, 0, 0.5, 0.5]);
    const a = albumScores(classes, m, null);
    expect(a.hashes).toEqual(['a', 'b']);
    expect(Array.from(a.best)).toEqual([1, 2]);
    expect(a.margin[0]).toBeCloseTo(1, 5);
  });
});

// Albums from the worker's scores: grouping ranked by score with covers, the Unsorted rule,
// template lines, and the CSV export as RFC 4180 writes it.
import { describe, expect, it } from 'vitest';
import { clearlyBest } from '../engine/query/unsorted';
import type { FileRecord } from '../library/schema';
import type { AlbumScores } from '../worker/protocol';
import { albumGroups, albumsCsv, csvField, templateLines, UNSORTED, withScores } from './album-groups';

const labels = ['navy', 'mint'];
/** Three photos: a clear navy, a less sure navy, and a near tie. */
const scores: AlbumScores = {
  labels,
  templates: ['a {}'],
  hashes: ['a', 'b', 'c'],
  best: Int32Array.from([0, 0, 1]),
  score: Float32Array.from([0.3, 0.5, 0.2]),
  margin: Float32Array.from([0.1, 0.05, 0.0001]),
  spread: Float32Array.from([0.05, 0.05, 0.05]),
};

const file = (path: string, hash: string) => ({ path, hash, name: path.split('/').pop()!, folder: '' }) as FileRecord;

describe('album groups', () => {
  it('puts each photo in its best category, best score first, the best one as the cover', () => {
    const groups = albumGroups(labels, withScores(null, scores), false);
    expect(groups).toEqual([
      { name: 'navy', photos: ['b', 'a'], cover: 'b' },
      { name: 'mint', photos: ['c'], cover: 'c' },
    ]);
  });

  it('sends a photo without a clear lead to Unsorted while the rule is on, and keeps empty albums', () => {
    expect(clearlyBest(0.0001, 0.05)).toBe(false);
    expect(clearlyBest(0.05, 0.05)).toBe(true);
    const groups = albumGroups(labels, withScores(null, scores), true);
    expect(groups).toEqual([
      { name: 'navy', photos: ['b', 'a'], cover: 'b' },
      { name: 'mint', photos: [], cover: null },
      { name: UNSORTED, photos: ['c'], cover: 'c' },
    ]);
  });

  it('adds newly scored photos to those kept', () => {
    const more: AlbumScores = {
      ...scores,
      hashes: ['d'],
      best: Int32Array.from([1]),
      score: Float32Array.from([0.9]),
      margin: Float32Array.from([0.2]),
      spread: Float32Array.from([0.1]),
    };
    const photos = withScores(withScores(null, scores), more);
    expect(albumGroups(labels, photos, true).find((g) => g.name === 'mint')).toEqual({ name: 'mint', photos: ['d'], cover: 'd' });
  });
});

describe('template lines', () => {
  it('uses the lines with {} and says which lines are not used', () => {
    const { templates, problems } = templateLines('a photo of a {}.\n\n  a picture  \r\nart of {}');
    expect(templates).toEqual(['a photo of a {}.', 'art of {}']);
    expect(problems).toEqual(['Line 3, "a picture", has no {} for the category name; it is not used.']);
  });
});

describe('CSV export', () => {
  it('quotes fields with commas, quotes or line breaks, doubling quotes', () => {
    expect(csvField('plain/a.png')).toBe('plain/a.png');
    expect(csvField('a,b.png')).toBe('"a,b.png"');
    expect(csvField('say "hi".png')).toBe('"say ""hi"".png"');
    expect(csvField('two\nlines')).toBe('"two\nlines"');
  });

  it('writes one row per file with its album and best score, Unsorted as the label of unclear photos', () => {
    const files = [file('x/a.png', 'a'), file('x/copy, of a.png', 'a'), file('y/c.png', 'c'), file('z/new.png', 'not-indexed')];
    expect(albumsCsv(files, labels, withScores(null, scores), true)).toBe(
      'path,label,score\r\nx/a.png,navy,0.300000\r\n"x/copy, of a.png",navy,0.300000\r\ny/c.png,Unsorted,0.200000\r\n',
    );
    expect(albumsCsv(files, labels, withScores(null, scores), false).split('\r\n')[3]).toBe('y/c.png,mint,0.200000');
  });
});

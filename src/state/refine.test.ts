import { describe, expect, it } from 'vitest';
import type { FileRecord } from '../library/schema';
import {
  DEFAULT_SETTINGS,
  filterPredicate,
  hasFilters,
  libraryFolders,
  libraryTypes,
  NO_FILTERS,
  photoDateLabel,
  photoTime,
  photoType,
  refineItems,
  shownCount,
  sortItems,
  type RefineSettings,
  type Scored,
} from './refine';

const UTC = () => 0;
const PLUS_TWO = () => 120;

function file(path: string, extra: Partial<FileRecord> = {}): FileRecord {
  const slash = path.lastIndexOf('/');
  const name = path.slice(slash + 1);
  return { path, name, folder: slash > 0 ? path.slice(0, slash) : '', hash: path, size: 1, lastModified: Date.UTC(2024, 0, 1), type: '', addedAt: 0, ...extra };
}

const item = (f: FileRecord, score: number | null = null): Scored => ({ file: f, score });
const names = (items: readonly Scored[]) => items.map((s) => s.file.name);
const settings = (s: Partial<RefineSettings>): RefineSettings => ({ ...DEFAULT_SETTINGS, ...s });

describe('photoType', () => {
  it('reads the MIME type first, then the extension', () => {
    expect(photoType({ type: 'image/jpeg', name: 'x.png' })).toBe('jpeg');
    expect(photoType({ type: 'image/webp', name: 'x' })).toBe('webp');
    expect(photoType({ type: '', name: 'IMG_1.JPG' })).toBe('jpeg');
    expect(photoType({ type: 'application/octet-stream', name: 'a.gif' })).toBe('gif');
    expect(photoType({ type: 'image/avif', name: 'a.avif' })).toBe('other');
    expect(photoType({ type: '', name: 'README' })).toBe('other');
  });

  it('tells a video by any video/* type, or by its container extension', () => {
    expect(photoType({ type: 'video/mp4', name: 'clip_01.mp4' })).toBe('video');
    expect(photoType({ type: 'video/quicktime', name: 'clip_03.mov' })).toBe('video');
    expect(photoType({ type: 'video/x-msvideo', name: 'old.avi' })).toBe('video');
    expect(photoType({ type: '', name: 'CLIP_02.WEBM' })).toBe('video');
    expect(photoType({ type: 'application/octet-stream', name: 'a.mkv' })).toBe('video');
    expect(photoType({ type: 'image/jpeg', name: 'looks-like.mp4' })).toBe('jpeg');
  });
});

describe('photoTime', () => {
  it('takes the EXIF date as it is, the file date in local wall-clock time', () => {
    expect(photoTime({ takenAt: Date.UTC(2015, 5, 1), lastModified: 5 }, PLUS_TWO)).toBe(Date.UTC(2015, 5, 1));
    // 23:00 UTC on 31 Dec is 1 Jan at +02:00.
    expect(photoTime({ lastModified: Date.UTC(2023, 11, 31, 23) }, PLUS_TWO)).toBe(Date.UTC(2024, 0, 1, 1));
  });

  it('labels which date it is, formatted in UTC so the camera day shows', () => {
    expect(photoDateLabel({ takenAt: Date.UTC(2015, 5, 1, 23, 30), lastModified: 0 }, UTC)).toMatch(/^Taken .*2015/);
    expect(photoDateLabel({ lastModified: Date.UTC(2020, 2, 3) }, UTC)).toMatch(/^File date .*2020/);
  });
});

describe('libraryFolders and libraryTypes', () => {
  it('lists every folder with the folders above it, and the types present', () => {
    const files = [file('a.jpg'), file('Trips/2019/x.png', { type: 'image/png' }), file('Trips/2020/y.jpg'), file('Camera/z.gif')];
    expect(libraryFolders(files)).toEqual(['Camera', 'Trips', 'Trips/2019', 'Trips/2020']);
    expect(libraryTypes(files)).toEqual(['jpeg', 'png', 'gif']);
    expect(libraryTypes([...files, file('v.mov', { type: 'video/quicktime' }), file('r.tiff')])).toEqual(['jpeg', 'png', 'gif', 'video', 'other']);
  });
});

describe('filters', () => {
  const files = [
    file('Trips/2019/x.png', { type: 'image/png', lastModified: Date.UTC(2019, 6, 1, 12) }),
    file('Trips/2019b/y.jpg', { type: 'image/jpeg', lastModified: Date.UTC(2019, 6, 2, 12) }),
    file('Camera/z.jpg', { type: 'image/jpeg', lastModified: Date.UTC(2024, 0, 1), takenAt: Date.UTC(2015, 5, 1, 23, 59) }),
    file('loose.gif', { type: 'image/gif', lastModified: Date.UTC(2019, 6, 3) }),
    file('Camera/clip.mp4', { type: 'video/mp4', lastModified: Date.UTC(2024, 0, 2) }),
  ];
  const pass = (f: Partial<RefineSettings>) => files.filter(filterPredicate({ ...NO_FILTERS, ...f }, UTC)).map((x) => x.name);

  it('keeps a folder and its subfolders, not a folder that only starts with the same letters', () => {
    expect(pass({ folder: 'Trips' })).toEqual(['x.png', 'y.jpg']);
    expect(pass({ folder: 'Trips/2019' })).toEqual(['x.png']);
  });

  it('keeps one type', () => {
    expect(pass({ type: 'jpeg' })).toEqual(['y.jpg', 'z.jpg']);
    expect(pass({ type: 'video' })).toEqual(['clip.mp4']);
    expect(pass({ type: 'video', folder: 'Trips' })).toEqual([]);
  });

  it('keeps a date range of whole days, by the EXIF date where there is one', () => {
    expect(pass({ from: '2015-06-01', to: '2015-06-01' })).toEqual(['z.jpg']);
    expect(pass({ from: '2019-07-02' })).toEqual(['y.jpg', 'loose.gif', 'clip.mp4']);
    expect(pass({ to: '2019-07-01' })).toEqual(['x.png', 'z.jpg']);
    expect(pass({ from: '2024-01-01' })).toEqual(['clip.mp4']); // z.jpg's file date does not count
  });

  it('keeps the photos of one album (by hash), with the other filters', () => {
    const album = { name: 'navy', hashes: new Set(['Trips/2019/x.png', 'Camera/z.jpg']) };
    expect(hasFilters({ ...NO_FILTERS, album })).toBe(true);
    expect(pass({ album })).toEqual(['x.png', 'z.jpg']);
    expect(pass({ album, type: 'jpeg' })).toEqual(['z.jpg']);
  });

  it('ignores an empty or malformed date', () => {
    expect(hasFilters({ ...NO_FILTERS, from: '' })).toBe(false);
    expect(pass({ from: 'yesterday' })).toHaveLength(5);
  });
});

describe('sortItems', () => {
  const a = item(file('b/IMG_10.jpg', { lastModified: 3 }), 0.9);
  const b = item(file('a/IMG_9.jpg', { lastModified: 1, takenAt: 5 }), 0.5);
  const c = item(file('c/IMG_9.jpg', { lastModified: 2 }), 0.7);

  it('keeps the given order by default, sorts by date (EXIF first) and by name (numbers as numbers)', () => {
    expect(sortItems([a, b, c], 'default', UTC)).toEqual([a, b, c]);
    expect(sortItems([a, b, c], 'newest', UTC)).toEqual([b, a, c]);
    expect(sortItems([a, b, c], 'oldest', UTC)).toEqual([c, a, b]);
    expect(sortItems([a, b, c], 'name', UTC)).toEqual([b, c, a]);
  });
});

describe('refineItems', () => {
  const results = [item(file('A/one.jpg', { type: 'image/jpeg' }), 0.41234), item(file('B/two.png', { type: 'image/png' }), 0.3)];

  it('passes everything through untouched with the defaults', () => {
    const out = refineItems(results, DEFAULT_SETTINGS, true, UTC);
    expect(out.items).toEqual(results);
    expect(out.total).toBe(2);
    expect(out.hiddenAll).toBeNull();
  });

  it('applies the minimum score to results only, and only when on', () => {
    expect(names(refineItems(results, settings({ minScore: 0.35 }), true, UTC).items)).toEqual(['one.jpg', 'two.png']);
    expect(names(refineItems(results, settings({ minScoreOn: true, minScore: 0.35 }), true, UTC).items)).toEqual(['one.jpg']);
    const library = results.map((r) => item(r.file));
    expect(refineItems(library, settings({ minScoreOn: true, minScore: 0.99 }), false, UTC).items).toHaveLength(2);
  });

  it('says no photo reaches the minimum, with the best score of those the filters keep', () => {
    const out = refineItems(results, settings({ minScoreOn: true, minScore: 0.5, type: 'png' }), true, UTC);
    expect(out.items).toEqual([]);
    expect(out.hiddenAll).toEqual({ by: 'score', best: 0.3, min: 0.5 });
  });

  it('says the filters hide everything when they do', () => {
    const out = refineItems(results, settings({ folder: 'C', minScoreOn: true, minScore: 0.5 }), true, UTC);
    expect(out.hiddenAll).toEqual({ by: 'filters' });
    expect(refineItems([], settings({ folder: 'C' }), true, UTC).hiddenAll).toBeNull();
  });
});

describe('shownCount', () => {
  it('says how many of how many when some are hidden', () => {
    expect(shownCount(40, 40, 'result')).toBe('40 results');
    expect(shownCount(1, 1, 'photo')).toBe('1 photo');
    expect(shownCount(2, 42, 'photo')).toBe('2 of 42 photos');
  });
});

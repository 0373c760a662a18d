// The start-up integrity check against deliberately broken libraries (fake-indexeddb).
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { openLibraryDb, type LibraryDb } from './db';
import { checkLibrary, describeCheck, problemsFound, usableVector } from './integrity';
import { putVectorRow, putVectors } from './testing/vectors';
import { frameKey } from '../engine/video/frame-key';

const M = 'sha:float16:v1';
const OTHER = 'sha:int8:v1';
const DIM = 4;
const hash = (i: number) => i.toString(16).padStart(64, '0');
const unit = (i: number) => {
  const v = new Float32Array(DIM);
  v[i % DIM] = 1;
  return v;
};

let n = 0;
let db: LibraryDb;

/** A consistent library of `count` photos: photo, file, thumbnail, embeddings under two models. */
async function seed(count: number, folder = ''): Promise<void> {
  for (let i = 0; i < count; i++) {
    const h = hash(i);
    const path = folder ? `${folder}/p${i}.png` : `p${i}.png`;
    await db.put('photos', { hash: h, width: 4, height: 3, type: 'image/png', size: 10, addedAt: 1 });
    await db.put('files', { path, name: `p${i}.png`, folder, hash: h, size: 10, lastModified: 1, type: 'image/png', addedAt: 1 });
    await db.put('thumbnails', { hash: h, blob: new Blob([new Uint8Array([1, 2])]), width: 4, height: 3 });
    await putVectorRow(db, M, h, unit(i));
    await putVectorRow(db, OTHER, h, unit(i + 1));
  }
}

const check = () => checkLibrary(db, { key: M, dim: DIM });

const TIMES = [0, 1000, 2000];
const thumb = (key: string) => ({ hash: key, blob: new Blob([new Uint8Array([1, 2])]), width: 4, height: 3 });

/**
 * A video of hash(i) with a frame row (both models) and a thumbnail at each of `times`; with
 * `record`, as a whole video: its photo record (listing `times`), its file and its cover thumbnail.
 */
async function seedVideo(i: number, { record = true, times = TIMES, folder = '' } = {}): Promise<void> {
  const h = hash(i);
  for (const [model, shift] of [
    [M, 0],
    [OTHER, 1],
  ] as const)
    await putVectors(
      db,
      model,
      times.map((ms, k) => ({ hash: frameKey(h, ms), vector: unit(i + k + shift) })),
    );
  for (const ms of times) await db.put('thumbnails', thumb(frameKey(h, ms)));
  if (!record) return;
  const path = folder ? `${folder}/v${i}.mp4` : `v${i}.mp4`;
  await db.put('photos', { hash: h, width: 4, height: 3, type: 'video/mp4', size: 10, addedAt: 1, video: { duration: 3, frames: times, codec: 'avc' } });
  await db.put('files', { path, name: `v${i}.mp4`, folder, hash: h, size: 10, lastModified: 1, type: 'video/mp4', addedAt: 1 });
  await db.put('thumbnails', thumb(h));
}

/** A queue entry waiting (a video being indexed, say). */
async function queueOne(path = 'next.mp4', blob: Blob | null = new Blob([new Uint8Array([1])])): Promise<void> {
  const job = await db.add('jobs', { createdAt: 1, total: 1, origin: 'add', skipped: [] });
  await db.add('queue', { job, path, name: path, size: 1, lastModified: 1, type: 'video/mp4', source: { kind: 'file', blob: blob as Blob } });
}

const frameKeys = async (model: string) => (await db.getAllKeysFromIndex('embeddings', 'by-model', model)).map((k) => k[1]).filter((k) => k.includes('@'));
const trip = () => db.put('folders', { name: 'Trip', handle: { kind: 'directory', name: 'Trip' } as unknown as FileSystemDirectoryHandle, addedAt: 1 });

beforeEach(async () => {
  db = await openLibraryDb({ name: `integrity-${++n}` });
});

describe('the start-up integrity check', () => {
  it('passes a consistent library and changes nothing', async () => {
    await seed(5);
    const r = await check();
    expect(problemsFound(r)).toBe(0);
    expect(r).toMatchObject({ photos: 5, embeddings: 5, requeued: 0, lost: [], modelChanged: false });
    expect(describeCheck(r)).toBe('Library check: no problems (5 photos).');
    expect(await db.count('embeddings')).toBe(10);
    expect(await db.count('thumbnails')).toBe(5);
  });

  it('removes embeddings of any model whose photo is missing', async () => {
    await seed(3);
    await putVectorRow(db, M, hash(99), unit(0));
    await putVectorRow(db, 'gone-model', hash(98), unit(0));
    const r = await check();
    expect(r.removed).toEqual({ embeddings: 2, photos: 0, files: 0, thumbnails: 0, queue: 0 });
    expect(r.modelChanged).toBe(true);
    expect(await db.count('embeddings')).toBe(6);
  });

  it("removes the checked model's unusable vectors (dimension, NaN, Infinity, length, type) and keeps other models' vectors", async () => {
    await seed(6);
    await putVectorRow(db, M, hash(0), new Float32Array(DIM + 1).fill(0.4));
    await putVectorRow(db, M, hash(1), new Float32Array([NaN, 0, 0, 0]));
    await putVectorRow(db, M, hash(2), new Float32Array([Infinity, 0, 0, 0]));
    await putVectorRow(db, M, hash(3), new Float32Array([3, 0, 0, 0]));
    await putVectorRow(db, M, hash(4), [1, 0, 0, 0] as unknown as Float32Array);
    // Another model's vectors are checked when that model is loaded, not now.
    await putVectorRow(db, OTHER, hash(5), new Float32Array(7));
    const r = await check();
    expect(r.removed.embeddings).toBe(5);
    expect(r.embeddings).toBe(1);
    expect(r.modelChanged).toBe(true);
    expect((await db.getAllKeysFromIndex('embeddings', 'by-model', M)).map((k) => k[1])).toEqual([hash(5)]);
    expect(await db.countFromIndex('embeddings', 'by-model', OTHER)).toBe(6);
    // The photos stay (their files still name them); they cannot be read again: the user is told.
    expect(await db.count('photos')).toBe(6);
    expect(r.lost.sort()).toEqual(['p0.png', 'p1.png', 'p2.png', 'p3.png', 'p4.png']);
    expect(describeCheck(r)).toMatch(/^Library check: removed 5 broken embeddings\. Add these 5 files again to search them: /);
  });

  it('queues the files of a broken embedding again when they lie under a remembered folder', async () => {
    await seed(2, 'Trip');
    await db.put('folders', { name: 'Trip', handle: { kind: 'directory', name: 'Trip' } as unknown as FileSystemDirectoryHandle, addedAt: 1 });
    await putVectorRow(db, M, hash(1), new Float32Array([NaN, 0, 0, 0]));
    const r = await check();
    expect(r.requeued).toBe(1);
    expect(r.lost).toEqual([]);
    const queued = await db.getAll('queue');
    expect(queued.map((q) => [q.path, q.source.kind])).toEqual([['Trip/p1.png', 'folder']]);
    const jobs = await db.getAll('jobs');
    expect(jobs).toMatchObject([{ origin: 'repair', total: 1 }]);
    expect(queued[0]!.job).toBe(jobs[0]!.id);
    expect(describeCheck(r)).toBe('Library check: removed 1 broken embedding. 1 file queued again.');
    // A second check finds the library whole, and does not queue the file twice.
    const again = await check();
    expect(problemsFound(again)).toBe(0);
    expect(await db.count('queue')).toBe(1);
  });

  it('removes file records that point at a missing photo, queueing those under a remembered folder again', async () => {
    await seed(2);
    await db.put('folders', { name: 'Trip', handle: { kind: 'directory', name: 'Trip' } as unknown as FileSystemDirectoryHandle, addedAt: 1 });
    await db.put('files', { path: 'Trip/x.png', name: 'x.png', folder: 'Trip', hash: hash(50), size: 1, lastModified: 1, type: 'image/png', addedAt: 1 });
    await db.put('files', { path: 'loose.png', name: 'loose.png', folder: '', hash: hash(51), size: 1, lastModified: 1, type: 'image/png', addedAt: 1 });
    await db.put('files', { path: 'bad.png', name: 'bad.png' } as never);
    const r = await check();
    expect(r.removed.files).toBe(3);
    expect(r.requeued).toBe(1);
    expect(r.lost).toEqual(['loose.png']);
    expect((await db.getAllKeys('files')).sort()).toEqual(['p0.png', 'p1.png']);
    expect((await db.getAll('queue')).map((q) => q.path)).toEqual(['Trip/x.png']);
  });

  it('removes a photo no file names, with its thumbnail and its embeddings under every model', async () => {
    await seed(3);
    await db.delete('files', 'p1.png');
    const r = await check();
    expect(r.removed).toEqual({ embeddings: 2, photos: 1, files: 0, thumbnails: 1, queue: 0 });
    expect(await db.get('photos', hash(1))).toBeUndefined();
    expect(await db.get('thumbnails', hash(1))).toBeUndefined();
    expect(await db.count('embeddings')).toBe(4);
    expect(r).toMatchObject({ photos: 2, embeddings: 2 });
  });

  it('removes a malformed photo record, then the files and embeddings that named it', async () => {
    await seed(2);
    await db.put('photos', { hash: hash(0), width: 0, height: 3, type: 'image/png', size: 10, addedAt: 1 });
    const r = await check();
    expect(r.removed).toEqual({ embeddings: 2, photos: 1, files: 1, thumbnails: 1, queue: 0 });
    expect(r.lost).toEqual(['p0.png']);
    expect(await db.count('photos')).toBe(1);
  });

  it('removes thumbnails of missing photos and empty thumbnails (the photo stays, without one)', async () => {
    await seed(2);
    await db.put('thumbnails', { hash: hash(77), blob: new Blob([new Uint8Array([1])]), width: 1, height: 1 });
    await db.put('thumbnails', { hash: hash(1), blob: new Blob([]), width: 1, height: 1 });
    const r = await check();
    expect(r.removed).toEqual({ embeddings: 0, photos: 0, files: 0, thumbnails: 2, queue: 0 });
    expect(await db.count('photos')).toBe(2);
    expect(await db.getAllKeys('thumbnails')).toEqual([hash(0)]);
  });

  it('removes queue entries without a job or without bytes, and finished jobs', async () => {
    const job = await db.add('jobs', { createdAt: 1, total: 2, origin: 'add', skipped: [] });
    const empty = await db.add('jobs', { createdAt: 1, total: 1, origin: 'add', skipped: [] });
    const entry = { name: 'a.png', size: 1, lastModified: 1, type: 'image/png' };
    await db.add('queue', { ...entry, job, path: 'a.png', source: { kind: 'file', blob: new Blob([new Uint8Array([1])]) } });
    await db.add('queue', { ...entry, job, path: 'b.png', source: { kind: 'file', blob: null as unknown as Blob } });
    await db.add('queue', { ...entry, job: 999, path: 'c.png', source: { kind: 'file', blob: new Blob([new Uint8Array([1])]) } });
    const r = await check();
    expect(r.removed.queue).toBe(2);
    expect((await db.getAll('queue')).map((q) => q.path)).toEqual(['a.png']);
    expect(await db.getAllKeys('jobs')).toEqual([job]);
    expect(empty).not.toBe(job);
  });

  it('repairs a library broken in every way at once, and a second check passes', async () => {
    await seed(8);
    await db.delete('photos', hash(0)); // files, thumbnail and embeddings of a missing photo
    await db.delete('files', 'p1.png'); // a photo without files
    await putVectorRow(db, M, hash(2), new Float32Array(DIM)); // zero vector
    await db.put('thumbnails', { hash: hash(40), blob: new Blob([new Uint8Array([1])]), width: 1, height: 1 });
    const r = await check();
    expect(problemsFound(r)).toBeGreaterThan(0);
    expect(r.photos).toBe(6);
    expect(r.embeddings).toBe(5);
    const second = await check();
    expect(problemsFound(second)).toBe(0);
    // Everything left fits together.
    const photos = new Set(await db.getAllKeys('photos'));
    for (const f of await db.getAll('files')) expect(photos.has(f.hash)).toBe(true);
    for (const [, h] of await db.getAllKeys('embeddings')) expect(photos.has(h)).toBe(true);
    for (const h of await db.getAllKeys('thumbnails')) expect(photos.has(h)).toBe(true);
  });

  it('accepts unit vectors only', () => {
    expect(usableVector(new Float32Array([0.6, 0.8, 0, 0]), 4)).toBe(true);
    expect(usableVector(new Float32Array([0.6, 0.8, 0, 0]), 5)).toBe(false);
    expect(usableVector(undefined, 4)).toBe(false);
  });

  it("takes the worker's scan of the vectors instead of reading them again, unless the scan saw a problem", async () => {
    await seed(4);
    // A NaN row, stored as it is: a scan that saw it says so (anomalies), and the check repairs it.
    await putVectorRow(db, M, hash(9), new Float32Array([NaN, 0, 0, 0]));
    await db.put('photos', { hash: hash(9), width: 4, height: 3, type: 'image/png', size: 10, addedAt: 1 });
    await db.put('files', { path: 'p9.png', name: 'p9.png', folder: '', hash: hash(9), size: 10, lastModified: 1, type: 'image/png', addedAt: 1 });
    const good = new Set([0, 1, 2, 3].map(hash));
    const flagged = await checkLibrary(db, { key: M, dim: DIM, scanned: { has: (h) => good.has(h), rows: 4, anomalies: 1 } });
    expect(flagged).toMatchObject({ embeddings: 4, modelChanged: true, lost: ['p9.png'] });
    expect(flagged.removed.embeddings).toBe(1);
    // Now consistent: a scan of the 4 rows answers for the vectors (a scan claiming the removed one
    // would not match the records: the vectors are read again, and nothing else is found).
    const trusted = await checkLibrary(db, { key: M, dim: DIM, scanned: { has: (h) => good.has(h), rows: 4, anomalies: 0 } });
    expect(problemsFound(trusted)).toBe(0);
    expect(trusted.embeddings).toBe(4);
    const mismatched = await checkLibrary(db, { key: M, dim: DIM, scanned: { has: () => true, rows: 5, anomalies: 0 } });
    expect(problemsFound(mismatched)).toBe(0);
    expect(mismatched.embeddings).toBe(4);
  });

  it('reads the stores a chunk at a time and misses no record at the chunk edges', async () => {
    await seed(7);
    await db.put('thumbnails', { hash: hash(77), blob: new Blob([new Uint8Array([1])]), width: 1, height: 1 }); // stray: the last key
    for (const chunk of [1, 2, 3, 7, 100]) {
      const r = await checkLibrary(db, { key: M, dim: DIM }, chunk);
      expect(r, `chunk ${chunk}`).toMatchObject({ photos: 7, embeddings: 7, lost: [] });
      expect(r.removed.thumbnails).toBe(chunk === 1 ? 1 : 0); // removed by the first pass
    }
    expect(await db.count('photos')).toBe(7);
    expect(await db.count('files')).toBe(7);
    expect(await db.count('embeddings')).toBe(14);
    expect(await db.count('thumbnails')).toBe(7);
  });
  describe('video frames', () => {
    it('keeps a whole video: its frames under every model, their thumbnails and its cover', async () => {
      await seed(2);
      await seedVideo(10);
      const r = await check();
      expect(problemsFound(r)).toBe(0);
      expect(r).toMatchObject({ photos: 2, videos: 1, embeddings: 5, requeued: 0, lost: [], modelChanged: false });
      expect(describeCheck(r)).toBe('Library check: no problems (2 photos and 1 video).');
      expect(await db.count('embeddings')).toBe(10);
      expect(await db.count('thumbnails')).toBe(6);
    });

    it("removes a frame whose time the video's record does not list, and a row under the video's bare hash", async () => {
      await seedVideo(10);
      const h = hash(10);
      await putVectorRow(db, M, frameKey(h, 500), unit(0));
      await putVectorRow(db, OTHER, frameKey(h, 500), unit(0));
      await db.put('thumbnails', thumb(frameKey(h, 500)));
      await putVectorRow(db, M, h, unit(0));
      const r = await check();
      expect(r.removed).toEqual({ embeddings: 3, photos: 0, files: 0, thumbnails: 1, queue: 0 });
      expect(r).toMatchObject({ videos: 1, embeddings: 3, requeued: 0, lost: [] });
      expect((await frameKeys(M)).sort()).toEqual(TIMES.map((ms) => frameKey(h, ms)).sort());
      expect((await db.getAllKeys('thumbnails')).sort()).toEqual([h, ...TIMES.map((ms) => frameKey(h, ms))].sort());
      expect(problemsFound(await check())).toBe(0);
    });

    it('keeps the frames of a video being indexed (no record yet) while the queue holds entries', async () => {
      await seed(1);
      await seedVideo(10, { record: false });
      await queueOne();
      const r = await check();
      expect(problemsFound(r)).toBe(0);
      expect(r).toMatchObject({ photos: 1, videos: 0, embeddings: 4 });
      expect(await frameKeys(M)).toHaveLength(3);
      expect(await frameKeys(OTHER)).toHaveLength(3);
      expect(await db.count('thumbnails')).toBe(4);
    });

    it('removes frames without a video as orphans when the queue is empty, or holds only unreadable entries', async () => {
      await seed(1);
      await seedVideo(10, { record: false });
      await queueOne('gone.mp4', null);
      const r = await check();
      expect(r.removed).toEqual({ embeddings: 6, photos: 0, files: 0, thumbnails: 3, queue: 1 });
      expect(r).toMatchObject({ embeddings: 1, modelChanged: true, requeued: 0, lost: [] });
      expect(await frameKeys(M)).toEqual([]);
      expect(await frameKeys(OTHER)).toEqual([]);
      expect(await db.getAllKeys('thumbnails')).toEqual([hash(0)]);
      expect(await db.count('vectors')).toBe(2);
      expect(problemsFound(await check())).toBe(0);
    });

    it('removes the frames of a video whose record goes (no file names it), queue or not', async () => {
      await seedVideo(10);
      await db.delete('files', 'v10.mp4');
      await queueOne();
      const r = await check();
      expect(r.removed).toEqual({ embeddings: 6, photos: 1, files: 0, thumbnails: 4, queue: 0 });
      expect(await db.count('embeddings')).toBe(0);
      expect(await db.count('thumbnails')).toBe(0);
    });

    it('removes a video record whose frame list is malformed, and its frames', async () => {
      await seedVideo(10);
      await db.put('photos', {
        hash: hash(10),
        width: 4,
        height: 3,
        type: 'video/mp4',
        size: 10,
        addedAt: 1,
        video: { duration: 3, frames: [0, 0.5], codec: 'avc' },
      });
      const r = await check();
      expect(r.removed).toMatchObject({ photos: 1, files: 1, embeddings: 6, thumbnails: 4 });
      expect(r.lost).toEqual(['v10.mp4']);
    });

    it('queues a whole video again when a frame row under the checked model is missing or unusable', async () => {
      await seed(1, 'Trip');
      await trip();
      await seedVideo(10, { folder: 'Trip' });
      await seedVideo(11, { folder: 'Trip' });
      await seedVideo(12, { folder: 'Trip' });
      // Video 10 lost a frame's row (its record too); video 11 has a NaN frame; video 12 is whole.
      const tx = db.transaction(['embeddings'], 'readwrite');
      await tx.objectStore('embeddings').delete([M, frameKey(hash(10), 1000)]);
      await tx.done;
      await putVectorRow(db, M, frameKey(hash(11), 2000), new Float32Array([NaN, 0, 0, 0]));
      const r = await check();
      expect(r.removed.embeddings).toBe(1);
      expect(r).toMatchObject({ videos: 3, requeued: 2, lost: [], modelChanged: true });
      expect((await db.getAll('queue')).map((q) => q.path).sort()).toEqual(['Trip/v10.mp4', 'Trip/v11.mp4']);
      // The records stay: the indexer embeds only the frames without a row.
      expect(await db.count('photos')).toBe(4);
      expect(await frameKeys(M)).toHaveLength(7);
      // Queued once: a second check finds the queue holds them.
      const again = await check();
      expect(problemsFound(again)).toBe(0);
      expect(await db.count('queue')).toBe(2);
    });

    it('reports a video lost when its frames are missing and it cannot be read again', async () => {
      await seedVideo(10);
      await putVectorRow(db, M, frameKey(hash(10), 0), new Float32Array(DIM));
      const r = await check();
      expect(r.lost).toEqual(['v10.mp4']);
      expect(describeCheck(r)).toBe('Library check: removed 1 broken embedding. Add this file again to search it: v10.mp4.');
    });

    it('leaves a whole video the checked model has no row of (not indexed by it yet), as a photo without an embedding', async () => {
      await seedVideo(10);
      const tx = db.transaction(['embeddings', 'vectors'], 'readwrite');
      for (const ms of TIMES) await tx.objectStore('embeddings').delete([M, frameKey(hash(10), ms)]);
      await tx.objectStore('vectors').clear();
      await tx.done;
      const r = await check();
      expect(problemsFound(r)).toBe(0);
      expect(r).toMatchObject({ videos: 1, embeddings: 0, requeued: 0, lost: [] });
    });

    it("takes the worker's scan of frame rows, and still finds a whole video missing a frame", async () => {
      await seed(2);
      await seedVideo(10);
      const rows = new Set([hash(0), hash(1), ...TIMES.map((ms) => frameKey(hash(10), ms))]);
      const trusted = await checkLibrary(db, { key: M, dim: DIM, scanned: { has: (k) => rows.has(k), rows: 5, anomalies: 0 } });
      expect(problemsFound(trusted)).toBe(0);
      expect(trusted).toMatchObject({ embeddings: 5, lost: [] });
      // A frame's row and record gone together: the scan agrees with the records, the video is short of a frame.
      const tx = db.transaction(['embeddings'], 'readwrite');
      await tx.objectStore('embeddings').delete([M, frameKey(hash(10), 2000)]);
      await tx.done;
      rows.delete(frameKey(hash(10), 2000));
      const short = await checkLibrary(db, { key: M, dim: DIM, scanned: { has: (k) => rows.has(k), rows: 4, anomalies: 0 } });
      expect(short).toMatchObject({ embeddings: 4, lost: ['v10.mp4'] });
    });
  });
});

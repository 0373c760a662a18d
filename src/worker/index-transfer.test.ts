// Export and import of index files over fake-indexeddb: only the loaded model's photos (and
// videos, by their frames) leave, an import adds without losing anything the library holds, a
// version 1 file still imports, and another model is refused.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import type { BundleManifest } from '../engine/bundle/manifest';
import { openIndexFile } from '../engine/index-file/reader';
import { BlobSource } from '../engine/io/source';
import { EmbeddingMatrix } from '../engine/rank';
import { openLibraryDb, type LibraryDb } from '../library/db';
import { checkLibrary, problemsFound } from '../library/integrity';
import type { FileRecord } from '../library/schema';
import { exportIndex, importIndex, type ImportContext } from './index-transfer';
import { modelKey } from '../engine/bundle/identity';
import type { ModelInfo } from './protocol';
import { putVectorRow, putVectors } from '../library/testing/vectors';
import { readVector } from '../library/vector-blocks';
import { asVersion1 } from '../engine/index-file/testing';
import { frameKey } from '../engine/video/frame-key';

const DIM = 4;
const hash = (i: number) => i.toString(16).padStart(64, '0');
const unit = (i: number) => {
  const v = Float32Array.from([1, i, i * i, 1 / (i + 1)]);
  const n = Math.hypot(...v);
  return v.map((x) => x / n);
};

function model(sha = 'c'.repeat(64), name = 'demo-longclip'): ModelInfo {
  const manifest = {
    source: { sha256: sha, fileName: `${name}.pt` },
    dtype: 'float16',
    converter: { name: 'longclip-search', version: '1.1.0' },
    architecture: { embedDim: DIM },
  } as unknown as BundleManifest;
  return { key: modelKey(manifest), name, manifest, compute: { provider: 'wasm', reason: '', shaderF16: false, compute: 'float32', wasmThreads: 1 } };
}

const file = (path: string, h: string, extra: Partial<FileRecord> = {}): FileRecord => {
  const slash = path.lastIndexOf('/');
  return {
    path,
    name: path.slice(slash + 1),
    folder: slash > 0 ? path.slice(0, slash) : '',
    hash: h,
    size: 10,
    lastModified: 1,
    type: 'image/png',
    addedAt: 2,
    ...extra,
  };
};

/** Photo i with its files, thumbnail, and an embedding under `modelKey` (when given). */
async function addPhoto(db: LibraryDb, i: number, paths: string[], key: string | null, vector = unit(i)): Promise<void> {
  await db.put('photos', { hash: hash(i), width: 10 + i, height: 20, type: 'image/png', size: 10, addedAt: 3 });
  await db.put('thumbnails', { hash: hash(i), blob: new Blob([new Uint8Array([i, 1, 2])], { type: 'image/webp' }), width: 5, height: 6 });
  for (const p of paths) await db.put('files', file(p, hash(i), p.endsWith('taken.png') ? { takenAt: 1234 } : {}));
  if (key) await putVectorRow(db, key, hash(i), vector);
}

/** Video i (frames at `frames` ms) with its file, its thumbnail and its frames' rows (frames listed in `embedded`) and thumbnails under `key`. */
async function addVideo(db: LibraryDb, i: number, path: string, key: string, frames: number[], embedded = frames): Promise<void> {
  const h = hash(i);
  await db.put('photos', { hash: h, width: 640, height: 360, type: 'video/mp4', size: 5000, addedAt: 3, video: { duration: 4.5, frames, codec: 'avc' } });
  await db.put('thumbnails', { hash: h, blob: new Blob([new Uint8Array([i, 0])], { type: 'image/webp' }), width: 32, height: 18 });
  for (const ms of frames)
    await db.put('thumbnails', { hash: frameKey(h, ms), blob: new Blob([new Uint8Array([i, ms / 100])], { type: 'image/webp' }), width: 32, height: 18 });
  await db.put('files', file(path, h, { type: 'video/mp4', size: 5000 }));
  await putVectors(
    db,
    key,
    embedded.map((ms) => ({ hash: frameKey(h, ms), vector: unit(i * 10 + ms / 1000) })),
  );
}

let n = 0;
let source: LibraryDb;
let target: LibraryDb;
const loaded = model();

function context(db: LibraryDb, m = loaded): ImportContext & { imported: string[] } {
  const imported: string[] = [];
  return {
    db,
    model: m,
    matrix: new EmbeddingMatrix(DIM),
    signal: new AbortController().signal,
    onProgress: () => undefined,
    onImported: (h) => imported.push(...h),
    imported,
  };
}

beforeEach(async () => {
  source = await openLibraryDb({ name: `transfer-src-${++n}` });
  target = await openLibraryDb({ name: `transfer-dst-${n}` });
  await addPhoto(source, 1, ['Trip/a.png', 'Trip/copy of a.png'], loaded.key);
  await addPhoto(source, 2, ['holiday.png', 'Trip/taken.png'], loaded.key);
  await addPhoto(source, 3, ['Trip/c.png'], loaded.key);
  await addPhoto(source, 4, ['Trip/other-model.png'], model('d'.repeat(64)).key);
});

describe('index transfer', () => {
  it("exports the loaded model's photos only, with their files (extra fields too) and thumbnails", async () => {
    const out = await exportIndex(source, loaded);
    expect([out.photos, out.files]).toEqual([3, 5]);
    const r = await openIndexFile(new BlobSource(out.blob));
    expect(r.header.createdBy).toBe('app');
    expect(r.header.model).toMatchObject({ key: loaded.key, name: 'demo-longclip', embedDim: DIM, dtype: 'float16', converterMajor: 1 });
    expect(r.header.photos.map((p) => p.hash).sort()).toEqual([hash(1), hash(2), hash(3)]);
    expect(r.header.files.find((f) => f.path === 'Trip/taken.png')!.extra).toEqual({ takenAt: 1234 });
    const i = r.header.photos.findIndex((p) => p.hash === hash(2));
    expect(Array.from((await r.thumbnail(i))!)).toEqual([2, 1, 2]);
    expect(Array.from((await r.vectors(i, 1))[0]!)).toEqual(Array.from(unit(2)));
    await expect(exportIndex(source, model('e'.repeat(64), 'LongCLIP-L'))).rejects.toThrow('Nothing to export: no photo is indexed for LongCLIP-L yet.');
  });

  it('imports into an empty library: the library check finds nothing to repair, and the ranking has the vectors', async () => {
    const ctx = context(target);
    const summary = await importIndex(new File([(await exportIndex(source, loaded)).blob], 'a.lcindex'), ctx);
    expect(summary).toEqual({ photos: 3, added: 3, alreadyIndexed: 0, filesAdded: 5 });
    expect(ctx.imported.sort()).toEqual([hash(1), hash(2), hash(3)]);
    expect(ctx.matrix.size).toBe(3);
    expect((await target.get('files', 'Trip/taken.png'))!.takenAt).toBe(1234);
    expect((await target.get('thumbnails', hash(1)))!.blob.size).toBe(3);
    const report = await checkLibrary(target, { key: loaded.key, dim: DIM });
    expect(problemsFound(report)).toBe(0);
    expect(report.embeddings).toBe(3);
  });

  it('never loses what the library holds: existing photos keep their records, a loose name taken by other bytes gets the next free name', async () => {
    const mine = unit(9);
    await addPhoto(target, 1, ['Mine/a.png'], loaded.key, mine);
    await addPhoto(target, 7, ['holiday.png'], loaded.key);
    const summary = await importIndex(new File([(await exportIndex(source, loaded)).blob], 'a.lcindex'), context(target));
    expect(summary).toEqual({ photos: 3, added: 2, alreadyIndexed: 1, filesAdded: 5 });
    expect(Array.from((await readVector(target, loaded.key, hash(1)))!)).toEqual(Array.from(mine));
    expect((await target.get('photos', hash(1)))!.addedAt).toBe(3);
    expect((await target.get('files', 'holiday.png'))!.hash).toBe(hash(7));
    expect((await target.get('files', 'holiday (2).png'))!.hash).toBe(hash(2));
    expect((await target.get('files', 'Mine/a.png'))!.hash).toBe(hash(1));
    // The same import again adds nothing.
    expect(await importIndex(new File([(await exportIndex(source, loaded)).blob], 'a.lcindex'), context(target))).toEqual({
      photos: 3,
      added: 0,
      alreadyIndexed: 3,
      filesAdded: 0,
    });
  });

  it('refuses an index of another model, naming both, and writes nothing', async () => {
    const other = model('d'.repeat(64), 'LongCLIP-B');
    const blob = (await exportIndex(source, loaded)).blob;
    await expect(importIndex(new File([blob], 'a.lcindex'), context(target, other))).rejects.toThrow(
      'This index was made with demo-longclip (cccccccccccc…, float16, converter 1); the loaded model is LongCLIP-B (dddddddddddd…, float16, converter 1). Load that model to import it.',
    );
    expect(await target.count('photos')).toBe(0);
  });

  it('refuses a file that is not an index with a clear message', async () => {
    await expect(importIndex(new File(['hello'], 'notes.txt'), context(target))).rejects.toThrow(
      'notes.txt is not a usable index file: not an index file (5 bytes, too short).',
    );
  });

  it('exports videos by their embedded frames: the record with its frame times, frame rows and thumbnails', async () => {
    await addVideo(source, 5, 'Trip/clip.mp4', loaded.key, [0, 1000, 2300, 3300]);
    // Under another model only: not exported.
    await addVideo(source, 6, 'Trip/other.mp4', model('d'.repeat(64)).key, [0, 1000]);
    const out = await exportIndex(source, loaded);
    expect([out.photos, out.files]).toEqual([4, 6]);
    const r = await openIndexFile(new BlobSource(out.blob));
    const i = r.header.photos.findIndex((p) => p.hash === hash(5));
    const v = r.header.photos[i]!;
    expect(v).toMatchObject({ width: 640, height: 360, type: 'video/mp4', size: 5000, video: { duration: 4.5, frames: [0, 1000, 2300, 3300], codec: 'avc' } });
    expect(r.rows[i + 1]! - r.rows[i]!).toBe(4);
    const rows = await r.vectors(r.rows[i]!, 4);
    expect(rows.map((x) => Array.from(x))).toEqual([0, 1, 2.3, 3.3].map((s) => Array.from(unit(50 + s))));
    expect(Array.from((await r.thumbnail(i))!)).toEqual([5, 0]);
    expect(Array.from((await r.frameThumbnail(i, 2))!)).toEqual([5, 23]);
    expect(r.header.photos.some((p) => p.hash === hash(6))).toBe(false);
  });

  it('a video with frames missing under the model exports the frames it has', async () => {
    await addVideo(source, 5, 'clip.mp4', loaded.key, [0, 1000, 2000], [0, 2000]);
    const r = await openIndexFile(new BlobSource((await exportIndex(source, loaded)).blob));
    expect(r.header.photos.find((p) => p.hash === hash(5))!.video!.frames).toEqual([0, 2000]);
  });

  it('imports videos: the record with `video`, the frame rows under their keys, the frame thumbnails; again adds nothing', async () => {
    await addVideo(source, 5, 'Trip/clip.mp4', loaded.key, [0, 1000, 2300]);
    const blob = (await exportIndex(source, loaded)).blob;
    const ctx = context(target);
    expect(await importIndex(new File([blob], 'a.lcindex'), ctx)).toEqual({ photos: 4, added: 4, alreadyIndexed: 0, filesAdded: 6 });
    expect(ctx.imported.sort()).toEqual([hash(1), hash(2), hash(3), hash(5)]);
    expect(ctx.matrix.has(frameKey(hash(5), 2300))).toBe(true);
    expect((await target.get('photos', hash(5)))!.video).toEqual({ duration: 4.5, frames: [0, 1000, 2300], codec: 'avc' });
    for (const [ms, s] of [
      [0, 0],
      [1000, 1],
      [2300, 2.3],
    ] as const) {
      expect(Array.from((await readVector(target, loaded.key, frameKey(hash(5), ms)))!)).toEqual(Array.from(unit(50 + s)));
      const t = (await target.get('thumbnails', frameKey(hash(5), ms)))!;
      expect([...new Uint8Array(await t.blob.arrayBuffer())]).toEqual([5, ms / 100]);
    }
    expect([...new Uint8Array(await (await target.get('thumbnails', hash(5)))!.blob.arrayBuffer())]).toEqual([5, 0]);
    expect(await readVector(target, loaded.key, hash(5))).toBeNull();
    expect((await target.get('files', 'Trip/clip.mp4'))!.hash).toBe(hash(5));
    expect(problemsFound(await checkLibrary(target, { key: loaded.key, dim: DIM }))).toBe(0);
    expect(await importIndex(new File([blob], 'a.lcindex'), context(target))).toEqual({ photos: 4, added: 0, alreadyIndexed: 4, filesAdded: 0 });
  });

  it('imports a version 1 file (written before videos)', async () => {
    const v1 = asVersion1(new Uint8Array(await (await exportIndex(source, loaded)).blob.arrayBuffer())) as Uint8Array<ArrayBuffer>;
    expect(new DataView(v1.buffer).getUint32(8, true)).toBe(1);
    expect((await openIndexFile(new BlobSource(new Blob([v1])))).header.version).toBe(1);
    const ctx = context(target);
    expect(await importIndex(new File([v1], 'old.lcindex'), ctx)).toEqual({ photos: 3, added: 3, alreadyIndexed: 0, filesAdded: 5 });
    expect(Array.from((await readVector(target, loaded.key, hash(2)))!)).toEqual(Array.from(unit(2)));
  });
});

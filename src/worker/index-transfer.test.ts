// Export and import of index files over fake-indexeddb: only the loaded model's photos leave,
// an import adds without losing anything the library holds, and another model is refused.
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
import { putVectorRow } from '../library/testing/vectors';
import { readVector } from '../library/vector-blocks';

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
});

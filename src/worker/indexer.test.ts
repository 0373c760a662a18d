// The queue run over fake-indexeddb, with a stand-in decoder and encoder: a run that dies in the
// middle (the tab closed) leaves whole batches only and exactly the uncommitted files queued; the
// next run indexes those, nothing twice; a full disk stops the run cleanly.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { preparePhoto, type EncodeImages, type PhotoDecoder, type PhotoPreparer } from '../engine/embed/image-embedder';
import { Rng } from '../engine/testing/fuzz';
import { EmbeddingMatrix } from '../engine/rank';
import { openLibraryDb, type LibraryDb } from '../library/db';
import { checkLibrary, problemsFound } from '../library/integrity';
import { placeFile } from '../library/place-file';
import { enqueue } from '../library/queue';
import type * as QueueModule from '../library/queue';
import { indexQueue, StorageFullError, type IndexContext } from './indexer';
import type { BlobThumbnail } from './photo-decoder';
import type { QueueRunSummary } from './protocol';
import { putVectorRow } from '../library/testing/vectors';
import { readVector } from '../library/vector-blocks';

// The first byte of a test file picks its "content"; 0xff is not an image.
const decoder: PhotoDecoder<BlobThumbnail> = {
  async decode(bytes) {
    if (bytes[0] === 0xff) throw new Error('not an image');
    return {
      image: { width: 2, height: 2, data: bytes },
      width: 2,
      height: 2,
      thumbnail: { data: new Blob([bytes as Uint8Array<ArrayBuffer>]), type: 'image/webp', width: 2, height: 2 },
    };
  },
};
vi.mock('../engine/preprocess/photo-check', () => ({ checkPhotoBytes: () => ({ format: 'png', width: 2, height: 2 }) }));
vi.mock('../engine/preprocess/clip-preprocess', () => ({
  preprocessClip: (image: { data: Uint8Array }, r: number, _mean: unknown, _std: unknown, out = new Float32Array(3 * r * r), offset = 0) => {
    out.fill(0, offset, offset + 3 * r * r);
    out[offset] = image.data[0]!;
    out[offset + 1] = 1;
    return out;
  },
}));
// Files under "Locked/" wait for a folder permission.
vi.mock('../library/queue', async (original) => {
  const real = await original<typeof QueueModule>();
  return {
    ...real,
    readQueued: async (entry: Parameters<typeof real.readQueued>[0]) => {
      if (entry.path.startsWith('Locked/')) throw new real.PermissionNeededError('Locked');
      return real.readQueued(entry);
    },
  };
});

const MODEL = 'demo:float16:v1';
const R = 2;
const DIM = 4;
let n = 0;
let db: LibraryDb;

beforeEach(async () => {
  db = await openLibraryDb({ name: `indexer-${++n}` });
});

const png = (name: string, first: number) => new File([new Uint8Array([first, 1, 2, 3])], name, { type: 'image/png', lastModified: 5 });

/** An encoder whose vector is a function of the pixels; `failOnCall` throws on that call (1-based). */
function fakeEncoder(failOnCall = 0) {
  let calls = 0;
  const size = 3 * R * R;
  const embed: EncodeImages = async (pixels, count) => {
    calls++;
    if (calls === failOnCall) throw new Error('the tab was closed');
    return Array.from({ length: count }, (_, i) => new Float32Array([pixels[i * size]!, pixels[i * size + 1]!, 0, 0]));
  };
  return { embed, calls: () => calls };
}

async function matrixFromDb(): Promise<EmbeddingMatrix> {
  const m = new EmbeddingMatrix(DIM, 16, { prefilter: 'never' });
  for (const r of await db.getAllFromIndex('embeddings', 'by-model', MODEL)) m.add(r.hash, (await readVector(db, MODEL, r.hash))!);
  return m;
}

const model = { resolution: R, mean: [0, 0, 0], std: [1, 1, 1] };

/**
 * How photos are prepared: one at a time in the worker, or six ahead in a "pool" whose photos
 * finish in a shuffled order (seeded), as decode workers do.
 */
const PREPARING = [
  { name: 'one at a time', ahead: 1, pool: false },
  { name: 'six ahead, finishing out of order', ahead: 6, pool: true },
] as const;
let preparing: (typeof PREPARING)[number] = PREPARING[0];

function shuffledPool(): PhotoPreparer<BlobThumbnail> {
  const rng = new Rng(7);
  return {
    prepare: async (bytes, type, options) => {
      await new Promise((resolve) => setTimeout(resolve, rng.int(6)));
      return preparePhoto(decoder, model, bytes, type, options);
    },
  };
}

async function context(encode: EncodeImages, overrides: Partial<IndexContext> = {}): Promise<IndexContext> {
  return {
    db,
    modelKey: MODEL,
    matrix: await matrixFromDb(),
    model,
    encode,
    decoder,
    ...(preparing.pool ? { preparer: shuffledPool(), ahead: preparing.ahead } : {}),
    signal: new AbortController().signal,
    whenRunning: async () => {},
    onProgress: () => {},
    onIndexed: () => {},
    onFiled: () => {},
    onFrames: () => {},
    ...overrides,
  };
}

const summary = (): QueueRunSummary => ({ files: 0, embedded: 0, skipped: [], joined: false, waitingForPermission: 0, left: 0, stopped: null });
const never = () => false;

async function counts() {
  return {
    photos: await db.count('photos'),
    files: await db.count('files'),
    thumbnails: await db.count('thumbnails'),
    embeddings: await db.countFromIndex('embeddings', 'by-model', MODEL),
    queue: await db.count('queue'),
    jobs: await db.count('jobs'),
  };
}

describe.each(PREPARING)('indexing the persisted queue, photos prepared $name', (way) => {
  beforeEach(() => {
    preparing = way;
  });

  it('a run that dies in the middle leaves whole batches; the next run indexes exactly the rest', async () => {
    const files = Array.from({ length: 10 }, (_, i) => ({ file: png(`p${i}.png`, i + 1), path: `p${i}.png` }));
    files.push({ file: png('copy-of-p0.png', 1), path: 'copy-of-p0.png' }); // the same bytes as p0
    files.push({ file: new File([new Uint8Array([0xff, 0])], 'notes.png', { type: 'image/png' }), path: 'notes.png' });
    await enqueue(db, files);

    // The encoder's second batch never returns: the tab closed while it ran.
    const first = fakeEncoder(2);
    await expect(indexQueue(await context(first.embed), never, summary())).rejects.toThrow('the tab was closed');
    expect(await counts()).toEqual({ photos: 4, files: 4, thumbnails: 4, embeddings: 4, queue: 8, jobs: 1 });
    expect(problemsFound(await checkLibrary(db, { key: MODEL, dim: DIM }))).toBe(0);
    expect((await db.getAll('queue')).map((q) => q.path)).toEqual(['p4.png', 'p5.png', 'p6.png', 'p7.png', 'p8.png', 'p9.png', 'copy-of-p0.png', 'notes.png']);

    // Back in the app: the rest is indexed, p0's copy needs no encoder run, notes.png is skipped.
    const second = fakeEncoder();
    const indexed: string[] = [];
    const done = await indexQueue(await context(second.embed, { onIndexed: (h) => indexed.push(...h) }), never, summary());
    expect(done).toMatchObject({ files: 8, embedded: 6, left: 0, skipped: [{ path: 'notes.png', reason: 'not an image' }] });
    expect(indexed).toHaveLength(6);
    expect(second.calls()).toBe(2); // 4 + 2
    expect(await counts()).toEqual({ photos: 10, files: 11, thumbnails: 10, embeddings: 10, queue: 0, jobs: 0 });
    expect(problemsFound(await checkLibrary(db, { key: MODEL, dim: DIM }))).toBe(0);
    const p0 = (await db.get('files', 'p0.png'))!.hash;
    expect((await db.get('files', 'copy-of-p0.png'))!.hash).toBe(p0);
  });

  it('two different photos with the same name, added without a folder, both keep a file ("a (2).png"); adding them again changes nothing', async () => {
    const both = () => [
      { file: png('a.png', 1), path: 'a.png' },
      { file: png('a.png', 2), path: 'a.png' },
    ];
    await enqueue(db, both());
    await indexQueue(await context(fakeEncoder().embed), never, summary());
    // A third photo named a.png, in a later run (its bytes embedded in a batch of its own).
    await enqueue(db, [{ file: png('a.png', 3), path: 'a.png' }]);
    await indexQueue(await context(fakeEncoder().embed), never, summary());
    const byPath = async () => Object.fromEntries((await db.getAll('files')).map((f) => [f.path, f.hash]));
    const first = await byPath();
    expect(Object.keys(first).sort()).toEqual(['a (2).png', 'a (3).png', 'a.png']);
    expect(new Set(Object.values(first)).size).toBe(3);
    expect((await db.get('files', 'a (2).png'))!.name).toBe('a (2).png');
    // Nothing is orphaned: the start-up check finds no problem and deletes nothing.
    expect(problemsFound(await checkLibrary(db, { key: MODEL, dim: DIM }))).toBe(0);
    expect(await counts()).toMatchObject({ photos: 3, files: 3, embeddings: 3 });

    await enqueue(db, both());
    await indexQueue(await context(fakeEncoder().embed), never, summary());
    expect(await byPath()).toEqual(first);
  });

  it('placing a record of the same bytes keeps the old one, filling in a capture date it lacked', async () => {
    const old = { path: 'Trip/a.jpg', name: 'a.jpg', folder: 'Trip', hash: 'h'.repeat(64), size: 3, lastModified: 1, type: 'image/jpeg', addedAt: 10 };
    await db.put('files', old);
    await placeFile(db.transaction('files', 'readwrite').objectStore('files'), { ...old, addedAt: 99 });
    expect(await db.get('files', 'Trip/a.jpg')).toEqual(old);
    await placeFile(db.transaction('files', 'readwrite').objectStore('files'), { ...old, addedAt: 99, takenAt: 5 });
    expect(await db.get('files', 'Trip/a.jpg')).toEqual({ ...old, takenAt: 5 });
  });

  it('a file inside a folder whose bytes changed replaces its old record', async () => {
    await enqueue(db, [{ file: png('a.png', 1), path: 'Trip/a.png' }]);
    await indexQueue(await context(fakeEncoder().embed), never, summary());
    const old = (await db.get('files', 'Trip/a.png'))!.hash;
    await enqueue(db, [{ file: png('a.png', 2), path: 'Trip/a.png' }]);
    await indexQueue(await context(fakeEncoder().embed), never, summary());
    expect((await db.getAll('files')).map((f) => f.path)).toEqual(['Trip/a.png']);
    expect((await db.get('files', 'Trip/a.png'))!.hash).not.toBe(old);
  });

  it('a second copy of a photo in the same batch is written with that batch, never before its photo', async () => {
    await enqueue(db, [
      { file: png('a.png', 1), path: 'a.png' },
      { file: png('a-again.png', 1), path: 'a-again.png' },
      { file: png('b.png', 2), path: 'b.png' },
    ]);
    await expect(indexQueue(await context(fakeEncoder(1).embed), never, summary())).rejects.toThrow();
    expect(await counts()).toMatchObject({ photos: 0, files: 0, embeddings: 0, queue: 3 });
    await indexQueue(await context(fakeEncoder().embed), never, summary());
    expect(await counts()).toEqual({ photos: 2, files: 3, thumbnails: 2, embeddings: 2, queue: 0, jobs: 0 });
  });

  it('stops where it is cancelled, keeping the uncommitted files queued', async () => {
    await enqueue(
      db,
      Array.from({ length: 9 }, (_, i) => ({ file: png(`p${i}.png`, i + 1), path: `p${i}.png` })),
    );
    const controller = new AbortController();
    const ctx = await context(fakeEncoder().embed, {
      signal: controller.signal,
      onIndexed: () => controller.abort(),
    });
    await expect(indexQueue(ctx, never, summary())).rejects.toThrow();
    expect(await counts()).toMatchObject({ embeddings: 4, queue: 5 });
  });

  it('takes files queued while it runs', async () => {
    await enqueue(db, [{ file: png('a.png', 1), path: 'a.png' }]);
    let added = false;
    const ctx = await context(fakeEncoder().embed, {
      async whenRunning() {
        if (added) return;
        added = true;
        await enqueue(db, [{ file: png('b.png', 2), path: 'b.png' }]);
      },
    });
    const s = await indexQueue(ctx, never, summary());
    expect(s).toMatchObject({ files: 2, embedded: 2, left: 0 });
  });

  it('takes the vector another tab stored meanwhile instead of embedding the photo again', async () => {
    await enqueue(db, [
      { file: png('a.png', 1), path: 'a.png' },
      { file: png('b.png', 2), path: 'b.png' },
    ]);
    const ctx = await context(fakeEncoder().embed);
    // Another tab commits a.png's photo while this worker's matrix does not know it yet.
    const bytes = new Uint8Array([1, 1, 2, 3]);
    const hash = [...new Uint8Array(await crypto.subtle.digest('SHA-256', bytes))].map((b) => b.toString(16).padStart(2, '0')).join('');
    await db.put('photos', { hash, width: 2, height: 2, type: 'image/png', size: 4, addedAt: 1 });
    await db.put('files', { path: 'other-tab/a.png', name: 'a.png', folder: 'other-tab', hash, size: 4, lastModified: 1, type: 'image/png', addedAt: 1 });
    await putVectorRow(db, MODEL, hash, new Float32Array([1, 0, 0, 0]));
    const s = await indexQueue(ctx, never, summary());
    expect(s).toMatchObject({ files: 2, embedded: 1 });
    expect(ctx.matrix.has(hash)).toBe(true);
    expect(await counts()).toMatchObject({ photos: 2, files: 3, embeddings: 2, queue: 0 });
  });

  it('leaves files that wait for a folder permission queued, and keeps their job', async () => {
    await enqueue(db, [
      { file: png('a.png', 1), path: 'Locked/a.png' },
      { file: png('b.png', 2), path: 'b.png' },
    ]);
    const s = await indexQueue(await context(fakeEncoder().embed), never, summary());
    expect(s).toMatchObject({ embedded: 1, waitingForPermission: 1, left: 1 });
    expect(await counts()).toMatchObject({ embeddings: 1, queue: 1, jobs: 1 });
  });

  it('a full disk stops the run with "Storage is full"; what was committed stays, the rest stays queued', async () => {
    await enqueue(
      db,
      Array.from({ length: 8 }, (_, i) => ({ file: png(`p${i}.png`, i + 1), path: `p${i}.png` })),
    );
    let full = false;
    // The browser refuses the transaction: nothing of it is written, and it fails with QuotaExceededError.
    const realTransaction = db.transaction.bind(db);
    const fullDb = new Proxy(db, {
      get(target, prop) {
        if (prop === 'transaction') {
          return (stores: never, mode?: IDBTransactionMode) => {
            const tx = realTransaction(stores, mode);
            if (!full || mode !== 'readwrite') return tx;
            return new Proxy(tx, {
              get(t, p) {
                if (p === 'done') {
                  t.done.catch(() => undefined);
                  try {
                    t.abort();
                  } catch {
                    // finished
                  }
                  return Promise.reject(new DOMException('The quota has been exceeded.', 'QuotaExceededError'));
                }
                const v = Reflect.get(t, p, t) as unknown;
                return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(t) : v;
              },
            });
          };
        }
        const v = Reflect.get(target, prop, target) as unknown;
        return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      },
    });
    const ctx = await context(fakeEncoder().embed, { db: fullDb, onIndexed: () => (full = true) });
    const failure = await indexQueue(ctx, never, summary()).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(StorageFullError);
    expect((failure as Error).message).toMatch(/^Storage is full: /);
    expect(await counts()).toMatchObject({ photos: 4, embeddings: 4, queue: 4 });
    expect(problemsFound(await checkLibrary(db, { key: MODEL, dim: DIM }))).toBe(0);
    // Space freed: the next run finishes.
    await indexQueue(await context(fakeEncoder().embed), never, summary());
    expect(await counts()).toEqual({ photos: 8, files: 8, thumbnails: 8, embeddings: 8, queue: 0, jobs: 0 });
  });
});

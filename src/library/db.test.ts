// The schema upgrade keeps what version 1 stored, and a connection gives way to another tab's
// upgrade (versionchange) and reports when its own upgrade is blocked. fake-indexeddb stands in
// for the browser's IndexedDB.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLibraryDb } from './db';
import { DB_VERSION } from './schema';
import { BLOCK_ROWS, readVector, readVectors } from './vector-blocks';

let n = 0;
const freshName = () => `db-test-${++n}`;

function request<T>(r: IDBRequest<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    r.onsuccess = () => resolve(r.result);
    r.onerror = () => reject(r.error);
  });
}

/** Version 1 (six stores) or 2 (with jobs and queue) exactly as it shipped, written with the raw API (not the code under test). */
function createOld(name: string, version: 1 | 2 = 1): Promise<IDBDatabase> {
  return new Promise((resolve, reject) => {
    const open = indexedDB.open(name, version);
    open.onupgradeneeded = () => {
      const db = open.result;
      db.createObjectStore('photos', { keyPath: 'hash' });
      db.createObjectStore('files', { keyPath: 'path' }).createIndex('by-hash', 'hash');
      db.createObjectStore('thumbnails', { keyPath: 'hash' });
      db.createObjectStore('embeddings', { keyPath: ['model', 'hash'] }).createIndex('by-model', 'model');
      db.createObjectStore('models', { keyPath: 'key' });
      db.createObjectStore('folders', { keyPath: 'name' });
      if (version < 2) return;
      db.createObjectStore('jobs', { keyPath: 'id', autoIncrement: true });
      db.createObjectStore('queue', { keyPath: 'id', autoIncrement: true }).createIndex('by-job', 'job');
    };
    open.onsuccess = () => resolve(open.result);
    open.onerror = () => reject(open.error);
  });
}

const hash = (c: string) => c.repeat(64);
const vector = new Float32Array([0.6, 0.8, 0, 0]);

describe('the library database', () => {
  it('upgrades a version 1 library to the current version and keeps every record', async () => {
    const name = freshName();
    const v1 = await createOld(name);
    const tx = v1.transaction(['photos', 'files', 'thumbnails', 'embeddings', 'models', 'folders'], 'readwrite');
    tx.objectStore('photos').put({ hash: hash('a'), width: 4, height: 3, type: 'image/png', size: 10, addedAt: 1 });
    tx.objectStore('files').put({
      path: 'Trip/a.png',
      name: 'a.png',
      folder: 'Trip',
      hash: hash('a'),
      size: 10,
      lastModified: 2,
      type: 'image/png',
      addedAt: 1,
    });
    tx.objectStore('files').put({
      path: 'copy-of-a.png',
      name: 'copy-of-a.png',
      folder: '',
      hash: hash('a'),
      size: 10,
      lastModified: 3,
      type: 'image/png',
      addedAt: 1,
    });
    tx.objectStore('thumbnails').put({ hash: hash('a'), blob: new Blob([new Uint8Array([1, 2, 3])], { type: 'image/webp' }), width: 4, height: 3 });
    tx.objectStore('embeddings').put({ model: 'm1', hash: hash('a'), vector });
    tx.objectStore('embeddings').put({ model: 'm2', hash: hash('a'), vector });
    tx.objectStore('models').put({
      key: 'm1',
      name: 'demo',
      bytes: 5,
      storedAt: 4,
      manifest: { dtype: 'float16' },
      files: { 'a.onnx': 'https://x/a' },
      origin: 'import',
    });
    tx.objectStore('folders').put({ name: 'Trip', handle: { kind: 'directory', name: 'Trip' }, addedAt: 5 });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    v1.close();

    const db = await openLibraryDb({ name });
    expect(db.version).toBe(DB_VERSION);
    expect(DB_VERSION).toBe(3);
    expect([...db.objectStoreNames].sort()).toEqual(['embeddings', 'files', 'folders', 'jobs', 'models', 'photos', 'queue', 'thumbnails', 'vectors']);
    // Every v1 record is still there, unchanged, and the v1 indexes still answer.
    expect(await db.get('photos', hash('a'))).toEqual({ hash: hash('a'), width: 4, height: 3, type: 'image/png', size: 10, addedAt: 1 });
    expect((await db.getAllFromIndex('files', 'by-hash', hash('a'))).map((f) => f.path).sort()).toEqual(['Trip/a.png', 'copy-of-a.png']);
    const thumb = await db.get('thumbnails', hash('a'));
    expect(thumb?.blob.size).toBe(3);
    const embeddings = await db.getAllFromIndex('embeddings', 'by-model', 'm1');
    expect(embeddings).toHaveLength(1);
    expect(Array.from((await readVector(db, 'm1', hash('a')))!)).toEqual(Array.from(vector));
    expect(await db.count('embeddings')).toBe(2);
    expect((await db.get('models', 'm1'))?.name).toBe('demo');
    expect((await db.get('folders', 'Trip'))?.addedAt).toBe(5);
    // The new stores work: auto-incremented jobs, queue entries found by job.
    const job = await db.add('jobs', { createdAt: 1, total: 1, origin: 'add', skipped: [] });
    await db.add('queue', {
      job,
      path: 'b.png',
      name: 'b.png',
      size: 1,
      lastModified: 1,
      type: 'image/png',
      source: { kind: 'file', blob: new Blob([new Uint8Array([9])]) },
    });
    expect(await db.countFromIndex('queue', 'by-job', job)).toBe(1);
    db.close();

    // Opening the upgraded database again changes nothing.
    const again = await openLibraryDb({ name });
    expect(await again.count('files')).toBe(2);
    expect(await again.count('queue')).toBe(1);
    again.close();
  });

  it('upgrades a version 2 library to packed embedding blocks (v3): every vector kept, bit for bit, under its model', async () => {
    const name = freshName();
    // Version 2 as it shipped: one embedding record per photo and model, with its vector.
    const v2 = await createOld(name, 2);
    const count = BLOCK_ROWS * 2 + 7; // three blocks for m1
    const row = (i: number, dim: number) => Float32Array.from({ length: dim }, (_, d) => Math.sin(i * 31 + d) / Math.sqrt(dim));
    const tx = v2.transaction(['photos', 'embeddings', 'jobs'], 'readwrite');
    for (let i = 0; i < count; i++) {
      const h = i.toString(16).padStart(64, '0');
      tx.objectStore('photos').put({ hash: h, width: 4, height: 3, type: 'image/png', size: 10, addedAt: 1 });
      tx.objectStore('embeddings').put({ model: 'm1', hash: h, vector: row(i, 8) });
      if (i % 3 === 0) tx.objectStore('embeddings').put({ model: 'm2', hash: h, vector: row(i + 1, 12) });
    }
    tx.objectStore('embeddings').put({ model: 'm2', hash: 'f'.repeat(64), vector: new Float32Array(5) }); // not m2's length: dropped
    tx.objectStore('jobs').put({ createdAt: 1, total: 0, origin: 'add', skipped: [] });
    await new Promise((resolve) => (tx.oncomplete = resolve));
    v2.close();

    const db = await openLibraryDb({ name });
    expect(db.version).toBe(3);
    expect(await db.countFromIndex('embeddings', 'by-model', 'm1')).toBe(count);
    expect(await db.countFromIndex('embeddings', 'by-model', 'm2')).toBe(Math.ceil(count / 3));
    expect(await db.count('vectors')).toBe(3 + 1);
    for (const [model, dim, every, shift] of [
      ['m1', 8, 1, 0],
      ['m2', 12, 3, 1],
    ] as const) {
      const seen: string[] = [];
      await readVectors(db, model, (hashes, vectors) => {
        expect(hashes.length).toBeLessThanOrEqual(BLOCK_ROWS);
        hashes.forEach((h, r) => {
          const i = parseInt(h, 16);
          expect(Array.from(vectors.subarray(r * dim, (r + 1) * dim)), h).toEqual(Array.from(row(i + shift, dim)));
          seen.push(h);
        });
      });
      expect(seen.length).toBe(Math.ceil(count / every));
      expect(new Set(seen).size).toBe(seen.length);
    }
    expect(await readVector(db, 'm2', 'f'.repeat(64))).toBeNull();
    expect(await db.count('photos')).toBe(count);
    expect(await db.count('jobs')).toBe(1);
    db.close();
  });

  it('creates every store in a new database', async () => {
    const db = await openLibraryDb({ name: freshName() });
    expect([...db.objectStoreNames].sort()).toEqual(['embeddings', 'files', 'folders', 'jobs', 'models', 'photos', 'queue', 'thumbnails', 'vectors']);
    db.close();
  });

  it("gives way to another tab's upgrade: the connection closes and says why", async () => {
    const name = freshName();
    const reasons: string[] = [];
    const db = await openLibraryDb({ name, onClosed: (r) => reasons.push(r) });
    // Another tab, with a newer version of the app, opens a higher version: not blocked.
    const newer = await request(indexedDB.open(name, DB_VERSION + 1));
    expect(newer.version).toBe(DB_VERSION + 1);
    expect(reasons).toEqual(['versionchange']);
    await expect(db.get('photos', 'x')).rejects.toThrow();
    newer.close();
    // This version cannot open the newer database: the app tells the user to reload.
    await expect(openLibraryDb({ name })).rejects.toMatchObject({ name: 'VersionError' });
  });

  it('reports an upgrade blocked by a tab that keeps an older version open, and finishes when it closes', async () => {
    const name = freshName();
    const old = await createOld(name); // an old tab without a versionchange handler
    let blocked = 0;
    const opening = openLibraryDb({ name, onBlocked: () => blocked++ });
    await new Promise((r) => setTimeout(r, 50));
    expect(blocked).toBe(1);
    old.close();
    const db = await opening;
    expect(db.version).toBe(DB_VERSION);
    db.close();
  });
});

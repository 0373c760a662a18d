// The persisted indexing queue: what is queued, how a queued file is read again (its IndexedDB
// copy, or through its folder's handle), and what needs the user's permission.
import 'fake-indexeddb/auto';
import { beforeEach, describe, expect, it } from 'vitest';
import { openLibraryDb, type LibraryDb } from './db';
import { clearQueue, deleteFinishedJobs, enqueue, permissionOf, PermissionNeededError, queuedCount, queuedSkips, readQueued } from './queue';
import type { QueueEntry } from './schema';
import { fakeFolder } from './testing/fake-folder';

let n = 0;
let db: LibraryDb;
beforeEach(async () => {
  db = await openLibraryDb({ name: `queue-${++n}` });
});

const file = (name: string, bytes: number[], type = 'image/png', lastModified = 1234) => new File([new Uint8Array(bytes)], name, { type, lastModified });

const entry = (over: Partial<QueueEntry>): QueueEntry => ({
  job: 1,
  path: 'a.png',
  name: 'a.png',
  size: 3,
  lastModified: 1234,
  type: 'image/png',
  source: { kind: 'file', blob: new Blob([new Uint8Array([1, 2, 3])]) },
  ...over,
});

describe('the indexing queue', () => {
  it('queues the files of one add as a job, in order, with a copy of each plain File', async () => {
    const job = await enqueue(db, [
      { file: file('a.png', [1, 2, 3]), path: 'a.png' },
      { file: file('b.png', [4, 5]), path: 'Trip/b.png' },
    ]);
    expect(await db.get('jobs', job)).toMatchObject({ total: 2, origin: 'add', skipped: [] });
    const entries = await db.getAll('queue');
    expect(entries.map((e) => [e.path, e.name, e.size, e.type, e.source.kind, e.job])).toEqual([
      ['a.png', 'a.png', 3, 'image/png', 'file', job],
      ['Trip/b.png', 'b.png', 2, 'image/png', 'file', job],
    ]);
    expect(entries[0]!.id! < entries[1]!.id!).toBe(true);
    // The copy reads back as the File that was added: bytes, name, type, date.
    const back = await readQueued(entries[1]!);
    expect(back.name).toBe('b.png');
    expect(back.type).toBe('image/png');
    expect(back.lastModified).toBe(1234);
    expect([...new Uint8Array(await back.arrayBuffer())]).toEqual([4, 5]);
    expect(await queuedCount(db)).toBe(2);
  });

  it('queues large adds in several transactions', async () => {
    const files = Array.from({ length: 1203 }, (_, i) => ({ file: file(`${i}.png`, [i % 256]), path: `${i}.png` }));
    const job = await enqueue(db, files);
    expect(await db.countFromIndex('queue', 'by-job', job)).toBe(1203);
    expect(await db.count('jobs')).toBe(1);
  });

  it('reads a file under a picked folder through the folder handle, by its path', async () => {
    const root = fakeFolder('Trip', { '2019': { 'a.png': file('a.png', [7, 8]) } });
    const f = await readQueued(entry({ path: 'Trip/2019/a.png', source: { kind: 'folder', root } }));
    expect([...new Uint8Array(await f.arrayBuffer())]).toEqual([7, 8]);
    await expect(readQueued(entry({ path: 'Trip/2019/gone.png', source: { kind: 'folder', root } }))).rejects.toThrow('no longer found where it was added');
  });

  it('asks for permission where the folder needs it again (after a reload)', async () => {
    const root = fakeFolder('Trip', { 'a.png': file('a.png', [1]) }, { permission: 'prompt' });
    const failure = await readQueued(entry({ path: 'Trip/a.png', source: { kind: 'folder', root } })).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(PermissionNeededError);
    expect((failure as PermissionNeededError).folder).toBe('Trip');
    expect(await permissionOf(root)).toBe('prompt');
  });

  it('keeps the skips of a queued job, deletes finished jobs, and clears everything on cancel', async () => {
    const a = await enqueue(db, [{ file: file('a.png', [1]), path: 'a.png' }]);
    const b = await enqueue(db, [{ file: file('b.png', [2]), path: 'b.png' }]);
    const jobA = (await db.get('jobs', a))!;
    jobA.skipped.push({ path: 'notes.txt', reason: 'not a photo' });
    await db.put('jobs', jobA);
    expect(await queuedSkips(db)).toEqual([{ path: 'notes.txt', reason: 'not a photo' }]);
    const [first] = await db.getAllKeysFromIndex('queue', 'by-job', a);
    await db.delete('queue', first!);
    await deleteFinishedJobs(db);
    expect(await db.getAllKeys('jobs')).toEqual([b]);
    await clearQueue(db);
    expect(await db.count('queue')).toBe(0);
    expect(await db.count('jobs')).toBe(0);
  });
});

// The indexing queue in IndexedDB: what is still to index survives a closed or reloaded tab.
// The UI thread enqueues (a job record and one entry per file); the worker's indexer drains the
// queue in order and deletes each entry in the transaction that commits its records.
import type { LibraryDb } from './db';
import { fileBelow } from './folder-file';
import type { IntakeFile } from './intake-file';
import type { JobRecord, QueueEntry, QueueSource } from './schema';

/** Entries written per transaction when queueing. */
const CHUNK = 500;

/**
 * Queues files as one job. Files under a picked folder (`root`) are kept as the folder's handle
 * and their path (read again through it); other Files are copied into IndexedDB until their batch
 * commits. Entries are written in chunks of one transaction each (the job record with the first),
 * so a large add does not hold one huge transaction.
 */
export async function enqueue(db: LibraryDb, files: IntakeFile[], root?: FileSystemDirectoryHandle, origin: JobRecord['origin'] = 'add'): Promise<number> {
  let job = -1;
  for (let start = 0; start < files.length || job < 0; start += CHUNK) {
    const tx = db.transaction(['jobs', 'queue'], 'readwrite');
    if (job < 0) job = await tx.objectStore('jobs').add({ createdAt: Date.now(), total: files.length, origin, skipped: [] });
    for (const { file, path } of files.slice(start, start + CHUNK)) quiet(tx.objectStore('queue').add(entryFor(job, file, path, root)));
    await tx.done;
    if (!files.length) break;
  }
  return job;
}

function entryFor(job: number, file: File, path: string, root: FileSystemDirectoryHandle | undefined): QueueEntry {
  const source: QueueSource = root && path.startsWith(`${root.name}/`) ? { kind: 'folder', root } : { kind: 'file', blob: file };
  return { job, path, name: file.name, size: file.size, lastModified: file.lastModified, type: file.type, source };
}

/**
 * A request inside a transaction whose failure surfaces through `tx.done`: its own promise must
 * not also be reported as an unhandled rejection.
 */
export function quiet(request: Promise<unknown>): void {
  request.catch(() => undefined);
}

/** Thrown by `readQueued` where the browser needs the user's permission to read a folder again. */
export class PermissionNeededError extends Error {
  constructor(readonly folder: string) {
    super(`permission needed to read the folder "${folder}"`);
    this.name = 'PermissionNeededError';
  }
}

/** The bytes of a queued file, as a File with the name, type and date it was added with. */
export async function readQueued(entry: QueueEntry): Promise<File> {
  const src = entry.source;
  try {
    if (src.kind === 'file') {
      const blob = src.blob;
      if (!(blob instanceof Blob)) throw new Error('the queued copy is missing');
      return blob instanceof File && blob.name === entry.name
        ? blob
        : new File([blob], entry.name, { type: entry.type || blob.type, lastModified: entry.lastModified });
    }
    return await fileBelow(src.root, entry.path);
  } catch (e) {
    const name = (e as DOMException)?.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') {
      throw new PermissionNeededError(src.kind === 'folder' ? src.root.name : entry.path);
    }
    if (name === 'NotFoundError') throw new Error('no longer found where it was added', { cause: e });
    throw e;
  }
}

/** Chromium reports a full origin as QuotaExceededError (the transaction's error; the requests' are AbortErrors). */
export function isQuotaError(e: unknown): boolean {
  return (e as DOMException | null)?.name === 'QuotaExceededError';
}

/** How many files are queued. */
export function queuedCount(db: LibraryDb): Promise<number> {
  return db.count('queue');
}

/** Folders whose queued files need the user's permission again (`queryPermission` is not "granted"). */
export async function foldersNeedingPermission(db: LibraryDb): Promise<{ name: string; handle: FileSystemDirectoryHandle; files: number }[]> {
  const roots = new Map<string, { name: string; handle: FileSystemDirectoryHandle; files: number }>();
  let cursor = await db.transaction('queue').store.openCursor();
  while (cursor) {
    const src = cursor.value.source;
    if (src.kind === 'folder') {
      const r = roots.get(src.root.name);
      if (r) r.files++;
      else roots.set(src.root.name, { name: src.root.name, handle: src.root, files: 1 });
    }
    cursor = await cursor.continue();
  }
  const out = [];
  for (const r of roots.values()) if ((await permissionOf(r.handle)) !== 'granted') out.push(r);
  return out;
}

type PermissionHandle = FileSystemHandle & {
  queryPermission?: (o: { mode: 'read' }) => Promise<PermissionState>;
  requestPermission?: (o: { mode: 'read' }) => Promise<PermissionState>;
};

/** Read permission of a handle; browsers without the permission methods grant what they hand out. */
export async function permissionOf(handle: FileSystemHandle): Promise<PermissionState> {
  const h = handle as PermissionHandle;
  return h.queryPermission ? h.queryPermission({ mode: 'read' }) : 'granted';
}

/** Asks for read permission (needs a user gesture). */
export async function requestPermission(handle: FileSystemHandle): Promise<PermissionState> {
  const h = handle as PermissionHandle;
  return h.requestPermission ? h.requestPermission({ mode: 'read' }) : 'granted';
}

/** Skipped files recorded by the queued jobs (shown again after a reload). */
export async function queuedSkips(db: LibraryDb): Promise<{ path: string; reason: string }[]> {
  return (await db.getAll('jobs')).flatMap((j) => j.skipped);
}

/** Drops the whole queue (the user cancelled indexing). */
export async function clearQueue(db: LibraryDb): Promise<void> {
  const tx = db.transaction(['jobs', 'queue'], 'readwrite');
  quiet(tx.objectStore('queue').clear());
  quiet(tx.objectStore('jobs').clear());
  await tx.done;
}

/** Deletes the jobs none of whose files is queued any more. */
export async function deleteFinishedJobs(db: LibraryDb): Promise<void> {
  const tx = db.transaction(['jobs', 'queue'], 'readwrite');
  const jobs = tx.objectStore('jobs');
  const byJob = tx.objectStore('queue').index('by-job');
  for (const id of await jobs.getAllKeys()) if ((await byJob.count(id)) === 0) quiet(jobs.delete(id));
  await tx.done;
}

import { normalized, type EmbeddingMatrix } from '../engine/rank';
import { preprocessClip } from '../engine/preprocess/clip-preprocess';
import { exifDate } from '../engine/preprocess/exif-date';
import type { ClipEngine } from '../engine/session/clip-engine';
import type { LibraryDb } from '../library/db';
import { deleteFinishedJobs, isQuotaError, PermissionNeededError, quiet, readQueued } from '../library/queue';
import type { FileRecord } from '../library/schema';
import { decodePhoto, type Thumbnail } from './photo-decode';
import type { IndexSummary, IntakeFile, QueueRunSummary, TaskProgress } from './protocol';

const BATCH = 4;
/** Queue entries read per IndexedDB request. */
const READ_CHUNK = 32;
/** Writes that need no encoder run are committed once this many have gathered. */
const LIGHT_MAX = 32;
/** Skipped files kept per job record (shown again after a reload). */
const SKIPS_KEPT = 1000;

export interface IndexContext {
  db: LibraryDb;
  modelKey: string;
  matrix: EmbeddingMatrix;
  /** Runs the image encoder (through the model host, which handles a WebGPU fallback). */
  embed(run: (engine: ClipEngine) => Promise<Float32Array[]>): Promise<Float32Array[]>;
  resolution: number;
  mean: readonly number[];
  std: readonly number[];
  signal: AbortSignal;
  /** Resolves at once, or when indexing is resumed after a pause. */
  whenRunning(): Promise<void>;
  onProgress(p: TaskProgress): void;
  /** Embeddings were committed for these photos. */
  onIndexed(hashes: string[]): void;
  /** Test hook (`?e2e&indexDelay=ms`): waits this long before each encoder batch. */
  delayMs?: number;
  /**
   * Test hook (`?e2e&storageFullAfter=n`): a batch that would store more than n embeddings of
   * this model is refused as a full disk is (the transaction aborts with QuotaExceededError).
   */
  storageFullAfter?: number;
}

/** The browser refused to store more: indexing stops, what was committed stays. */
export class StorageFullError extends Error {
  constructor() {
    super(
      'Storage is full: the browser has no space left for this site. Indexing stopped; the photos indexed so far are kept and stay searchable. Free some space (or delete a stored model), then reload the page to index the rest.',
    );
    this.name = 'StorageFullError';
  }
}

/** A photo waiting for its batch: only its preprocessed pixels are kept, not the decoded image. */
interface Pending {
  record: FileRecord;
  width: number;
  height: number;
  thumbnail: Thumbnail | null;
  pixels: Float32Array;
  /** Its queue entry, deleted with the batch. */
  entry: number | undefined;
}

/**
 * One indexing run: hash the bytes; a photo already embedded under this model only gets its
 * file record; the others are decoded, preprocessed (the engine's code, as the parity tests
 * check it), embedded in batches and written with their thumbnails, file records and the
 * deletion of their queue entries in one transaction per batch, so an interrupted run leaves
 * whole records only and exactly the uncommitted files queued.
 */
class Run {
  private batch: Pending[] = [];
  private readonly inBatch = new Set<string>();
  /** File records of photos already in `batch` (a second copy of the same bytes): written with it. */
  private batchFiles: { record: FileRecord; entry: number | undefined }[] = [];
  /** Writes that need no encoder run: file records of embedded photos, finished and skipped entries. */
  private light = { files: [] as FileRecord[], entries: [] as number[], skips: [] as { job: number; path: string; reason: string }[] };
  embedded = 0;
  readonly skipped: IndexSummary['skipped'] = [];

  constructor(private readonly ctx: IndexContext) {}

  async add(file: File, path: string, entry?: number, job?: number): Promise<void> {
    const size = 3 * this.ctx.resolution * this.ctx.resolution;
    try {
      const bytes = await file.arrayBuffer();
      if (bytes.byteLength === 0) throw new Error('empty file');
      const hash = await sha256Hex(bytes);
      const record = fileRecord(file, path, hash, bytes);
      if (this.ctx.matrix.has(hash) || (await this.embeddedElsewhere(hash))) {
        this.light.files.push(record);
        if (entry !== undefined) this.light.entries.push(entry);
      } else if (this.inBatch.has(hash)) {
        this.batchFiles.push({ record, entry });
      } else {
        const { image, thumbnail } = await decodePhoto(new Blob([bytes], { type: file.type }));
        const pixels = preprocessClip(image, this.ctx.resolution, this.ctx.mean, this.ctx.std);
        if (pixels.length !== size) throw new Error('preprocessing gave the wrong size');
        this.batch.push({ record, width: image.width, height: image.height, thumbnail, pixels, entry });
        this.inBatch.add(hash);
      }
    } catch (e) {
      if (this.ctx.signal.aborted) throw e;
      this.skip(path, (e as Error).message, entry, job);
    }
    if (this.batch.length >= BATCH || this.light.files.length + this.light.entries.length >= LIGHT_MAX) await this.flush();
  }

  /**
   * Another tab may have embedded these bytes since this worker loaded its matrix (the tabs index
   * one after the other, under a lock): the stored vector is taken instead of running the encoder.
   */
  private async embeddedElsewhere(hash: string): Promise<boolean> {
    if (this.inBatch.has(hash)) return false;
    const stored = await this.ctx.db.get('embeddings', [this.ctx.modelKey, hash]);
    if (!stored || stored.vector?.length !== this.ctx.matrix.dim) return false;
    this.ctx.matrix.add(hash, stored.vector);
    return true;
  }

  /** A file that is not indexed (unreadable, not a photo): its queue entry is done. */
  skip(path: string, reason: string, entry?: number, job?: number): void {
    this.skipped.push({ path, reason });
    if (entry !== undefined) this.light.entries.push(entry);
    if (job !== undefined) this.light.skips.push({ job, path, reason });
  }

  /** Embeds the batch (if any) and commits everything gathered, in one transaction. */
  async flush(): Promise<void> {
    const batch = this.batch;
    let vectors: Float32Array[] = [];
    if (batch.length) {
      if (this.ctx.delayMs) await new Promise((r) => setTimeout(r, this.ctx.delayMs));
      const size = 3 * this.ctx.resolution * this.ctx.resolution;
      const pixels = new Float32Array(batch.length * size);
      batch.forEach((p, i) => pixels.set(p.pixels, i * size));
      vectors = (await this.ctx.embed((engine) => engine.encodeImages(pixels, batch.length))).map(normalized);
    }
    const light = this.light;
    const batchFiles = this.batchFiles;
    if (!batch.length && !light.files.length && !light.entries.length && !light.skips.length) return;
    await this.write(batch, vectors, batchFiles, light);
    this.batch = [];
    this.inBatch.clear();
    this.batchFiles = [];
    this.light = { files: [], entries: [], skips: [] };
    if (batch.length) {
      batch.forEach((p, i) => this.ctx.matrix.add(p.record.hash, vectors[i]!));
      this.embedded += batch.length;
      this.ctx.onIndexed(batch.map((p) => p.record.hash));
    }
  }

  /** One transaction: photo, thumbnail, embedding and file records commit with the deletion of their queue entries, or nothing does. */
  private async write(batch: Pending[], vectors: Float32Array[], batchFiles: { record: FileRecord; entry: number | undefined }[], light: Run['light']): Promise<void> {
    const tx = this.ctx.db.transaction(['photos', 'thumbnails', 'embeddings', 'files', 'queue', 'jobs'], 'readwrite');
    try {
      const now = Date.now();
      const queue = tx.objectStore('queue');
      const files = tx.objectStore('files');
      batch.forEach((p, i) => {
        const { hash, type, size } = p.record;
        quiet(tx.objectStore('photos').put({ hash, width: p.width, height: p.height, type, size, addedAt: now }));
        if (p.thumbnail) quiet(tx.objectStore('thumbnails').put({ hash, ...p.thumbnail }));
        quiet(tx.objectStore('embeddings').put({ model: this.ctx.modelKey, hash, vector: vectors[i]! }));
        if (p.entry !== undefined) quiet(queue.delete(p.entry));
      });
      for (const f of batchFiles) if (f.entry !== undefined) quiet(queue.delete(f.entry));
      // In order, awaited: each placement sees the paths the ones before it took.
      for (const record of [...batch.map((p) => p.record), ...batchFiles.map((f) => f.record), ...light.files]) await placeFile(files, record);
      for (const id of light.entries) quiet(queue.delete(id));
      const jobs = tx.objectStore('jobs');
      for (const job of new Set(light.skips.map((s) => s.job))) {
        const record = await jobs.get(job);
        if (!record) continue;
        for (const s of light.skips) if (s.job === job && record.skipped.length < SKIPS_KEPT) record.skipped.push({ path: s.path, reason: s.reason });
        quiet(jobs.put(record));
      }
      // Counted after this batch's puts (requests run in order): more than the limit is refused.
      const limit = this.ctx.storageFullAfter;
      if (limit !== undefined && batch.length && (await tx.objectStore('embeddings').index('by-model').count(this.ctx.modelKey)) > limit) {
        throw new DOMException('The quota has been exceeded (test hook).', 'QuotaExceededError');
      }
      await tx.done;
    } catch (e) {
      quiet(tx.done);
      try {
        tx.abort(); // nothing of a failed batch is written
      } catch {
        // already finished
      }
      if (isQuotaError(e) || isQuotaError(tx.error)) throw new StorageFullError();
      throw e;
    }
  }
}

function progressReporter(ctx: IndexContext) {
  const started = performance.now();
  return (done: number, total: number) => {
    const seconds = (performance.now() - started) / 1000;
    const rate = done / Math.max(seconds, 0.001);
    ctx.onProgress({ phase: 'index', label: 'Indexing', done, total, rate, etaSeconds: done > 0 ? Math.max(0, total - done) / rate : null });
  };
}

/** Indexes the files given (not queued: nothing survives a reload). Used by the `index` request. */
export async function indexFiles(files: IntakeFile[], ctx: IndexContext): Promise<IndexSummary> {
  const run = new Run(ctx);
  const report = progressReporter(ctx);
  let done = 0;
  for (const intake of files) {
    ctx.signal.throwIfAborted();
    await ctx.whenRunning();
    ctx.signal.throwIfAborted();
    await run.add(intake.file, intake.path);
    done++;
    report(done, files.length);
  }
  await run.flush();
  report(done, files.length);
  return { files: files.length, embedded: run.embedded, skipped: run.skipped, cancelled: false };
}

/**
 * Drains the persisted queue (queue.ts) in order: each entry is read (its IndexedDB copy, or
 * through its folder's handle), indexed, and deleted when its batch commits. Entries queued
 * while the run goes on are taken too (`more()` says some were queued since the last read).
 * Files whose folder needs the user's permission again stay queued and are counted.
 * `summary` is filled in as the run goes, so a stopped run still tells what it did.
 */
export async function indexQueue(ctx: IndexContext, more: () => boolean, summary: QueueRunSummary): Promise<QueueRunSummary> {
  const run = new Run(ctx);
  summary.skipped = run.skipped;
  const report = progressReporter(ctx);
  let after = 0;
  let done = 0;
  let total = await ctx.db.count('queue');
  report(0, total);
  for (;;) {
    const range = IDBKeyRange.lowerBound(after, true);
    const entries = await ctx.db.getAll('queue', range, READ_CHUNK);
    if (!entries.length) {
      if (more()) continue;
      break;
    }
    total = done + (await ctx.db.count('queue', range));
    for (const entry of entries) {
      after = entry.id!;
      ctx.signal.throwIfAborted();
      await ctx.whenRunning();
      ctx.signal.throwIfAborted();
      let file: File | null = null;
      try {
        file = await readQueued(entry);
      } catch (e) {
        if (e instanceof PermissionNeededError) summary.waitingForPermission++;
        else run.skip(entry.path, (e as Error).message, entry.id, entry.job);
      }
      if (file) await run.add(file, entry.path, entry.id, entry.job);
      done++;
      summary.files = done;
      summary.embedded = run.embedded;
      report(done, total);
    }
  }
  await run.flush();
  summary.embedded = run.embedded;
  await deleteFinishedJobs(ctx.db);
  summary.left = await ctx.db.count('queue');
  report(done, done);
  return summary;
}

/** Paths tried for a loose file before giving up ("a.jpg", "a (2).jpg", ... "a (1000).jpg"). */
const MAX_NAME_TRIES = 1000;

/** The parts of the `files` store (in a readwrite transaction) that placing a record uses. */
export interface FilesStore {
  get(path: string): Promise<FileRecord | undefined>;
  put(record: FileRecord): Promise<unknown>;
}

/**
 * Writes a file record without losing another one. A file already recorded with these bytes is
 * left alone (its date added stays; only a missing capture date is filled in). A file inside a folder whose path holds other bytes has
 * changed on disk: the new bytes replace the old. A loose file (added without a folder) whose
 * name is taken by other bytes is another photo with the same name: it gets the next free name,
 * "a (2).jpg", as a download folder does.
 */
export async function placeFile(files: FilesStore, record: FileRecord): Promise<void> {
  const loose = !record.path.includes('/');
  for (let n = 1; n <= (loose ? MAX_NAME_TRIES : 1); n++) {
    const path = n === 1 ? record.path : numberedName(record.path, n);
    const existing = await files.get(path);
    if (existing?.hash === record.hash) {
      // Recorded before capture dates were read: the date is filled in, the rest stays.
      if (record.takenAt !== undefined && existing.takenAt === undefined) quiet(files.put({ ...existing, takenAt: record.takenAt }));
      return;
    }
    if (!existing || !loose) {
      quiet(files.put(n === 1 ? record : { ...record, path, name: path }));
      return;
    }
  }
  throw new Error(`more than ${MAX_NAME_TRIES} different photos are named "${record.path}"`);
}

/** "IMG_1.jpg", 2 -> "IMG_1 (2).jpg"; "README", 3 -> "README (3)". */
export function numberedName(name: string, n: number): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? `${name.slice(0, dot)} (${n})${name.slice(dot)}` : `${name} (${n})`;
}

function fileRecord(file: File, path: string, hash: string, bytes: ArrayBuffer): FileRecord {
  const slash = path.lastIndexOf('/');
  const takenAt = exifDate(bytes);
  return {
    path,
    name: file.name,
    folder: slash > 0 ? path.slice(0, slash) : '',
    hash,
    size: file.size,
    lastModified: file.lastModified,
    type: file.type,
    addedAt: Date.now(),
    ...(takenAt !== null && { takenAt }),
  };
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

// The indexing run over the persisted queue (src/library/queue.ts): each queued file is read and
// hashed; a photo already embedded only gets its file record; the others are prepared (decoded
// and preprocessed, several ahead in a decode pool) and go through the image embedder
// (src/engine/embed/image-embedder.ts) in queue order. They are committed, one transaction per
// batch, with their photo, thumbnail, embedding and file records and the deletion of their queue entries.
import {
  ImageEmbedder,
  type EmbeddedImage,
  type EncodeImages,
  type ImageModel,
  type PhotoDecoder,
  type PhotoPreparer,
  type PreparedPhoto,
} from '../engine/embed/image-embedder';
import { ProgressRate } from '../engine/progress-rate';
import { sha256Hex } from '../engine/io/sha256';
import { REASON_EMPTY } from '../engine/preprocess/skip-reasons';
import type { EmbeddingMatrix } from '../engine/rank';
import { fileRecordFor } from '../engine/records';
import type { LibraryDb } from '../library/db';
import { placeFile } from '../library/place-file';
import { isVideoFile } from '../library/classify';
import { deleteFinishedJobs, PermissionNeededError, quiet, readQueued } from '../library/queue';
import { appendVectors, readVector } from '../library/vector-blocks';
import type { FileRecord } from '../library/schema';
import type { BlobThumbnail } from './photo-decoder';
import type { TaskProgress } from './protocol';
import { indexVideo, VideoSkipped, type VideoReader } from './video-indexer';
import { StorageFullError, writeTransaction } from './write-transaction';

export { StorageFullError };

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
  model: ImageModel;
  /** Runs the image encoder (through the model host, which handles a WebGPU fallback). */
  encode: EncodeImages;
  decoder: PhotoDecoder<BlobThumbnail>;
  /** Prepares photos in other threads (the decode pool); absent: in this one, with `decoder`. */
  preparer?: PhotoPreparer<BlobThumbnail>;
  /** Photos prepared ahead of the batch being filled (default 1: one at a time). */
  ahead?: number;
  signal: AbortSignal;
  /** Resolves at once, or when indexing is resumed after a pause. */
  whenRunning(): Promise<void>;
  onProgress(p: TaskProgress): void;
  /** Embeddings were committed for these photos (or videos, once all their frames are). */
  onIndexed(hashes: string[]): void;
  /** Some frames of this video were committed (it is searchable by them; not yet counted as indexed). */
  onFrames(hash: string): void;
  /** Reads videos; absent (Node tests): videos are skipped. */
  video?: VideoReader;
  /** File records were committed for these photos, which had embeddings already. */
  onFiled(hashes: string[]): void;
}

/** What a queue run did, filled in as it goes (a stopped run still tells). */
export interface IndexSummary {
  /** Files seen in this run. */
  files: number;
  /** Of those, embedded now (cache misses). */
  embedded: number;
  skipped: { path: string; reason: string }[];
  /** Files left queued because their folder needs the user's permission again. */
  waitingForPermission: number;
  /** Files still queued when the run ended. */
  left: number;
}

/** What the indexer keeps with a photo in the embedder's batch: its file record and queue entry. */
interface Queued {
  record: FileRecord;
  /** Its queue entry, deleted with the batch. */
  entry: number;
}

/** A photo being prepared, in queue order, with the other files of the same bytes seen meanwhile. */
interface Preparing extends Queued {
  path: string;
  job: number;
  photo: Promise<PreparedPhoto<BlobThumbnail>>;
  copies: (Queued & { job: number })[];
}

/**
 * One indexing run: hash the bytes; a photo already embedded under this model only gets its
 * file record; the others are embedded in batches and written with their thumbnails, file
 * records and the deletion of their queue entries in one transaction per batch, so an
 * interrupted run leaves whole records only and exactly the uncommitted files queued.
 */
class Run {
  private readonly embedder: ImageEmbedder<BlobThumbnail, Queued>;
  /** Photos in the embedder's batch. */
  private readonly inBatch = new Set<string>();
  /** Photos being prepared, oldest first, and by hash. */
  private readonly preparing: Preparing[] = [];
  private readonly preparingByHash = new Map<string, Preparing>();
  private readonly ahead: number;
  /** File records of photos already in the batch (a second copy of the same bytes): written with it. */
  private batchFiles: Queued[] = [];
  /** Writes that need no encoder run: file records of embedded photos, finished and skipped entries. */
  private light = { files: [] as FileRecord[], entries: [] as number[], skips: [] as { job: number; path: string; reason: string }[] };
  embedded = 0;
  readonly skipped: IndexSummary['skipped'] = [];

  constructor(private readonly ctx: IndexContext) {
    this.embedder = new ImageEmbedder(ctx.model, ctx.encode, ctx.decoder, ctx.preparer ? { preparer: ctx.preparer } : {});
    this.ahead = Math.max(1, ctx.ahead ?? 1);
  }

  async add(file: File, path: string, entry: number, job: number): Promise<void> {
    if (isVideoFile(file.name, file.type)) return this.addVideo(file, path, entry, job);
    try {
      const bytes = new Uint8Array(await file.arrayBuffer());
      if (bytes.byteLength === 0) throw new Error(REASON_EMPTY);
      const hash = await sha256Hex(bytes);
      const record = fileRecordFor({ path, name: file.name, size: file.size, lastModified: file.lastModified, type: file.type }, hash, bytes);
      if (this.ctx.matrix.has(hash) || (await this.embeddedElsewhere(hash))) {
        this.light.files.push(record);
        this.light.entries.push(entry);
      } else if (this.inBatch.has(hash)) {
        this.batchFiles.push({ record, entry });
      } else if (this.preparingByHash.has(hash)) {
        this.preparingByHash.get(hash)!.copies.push({ record, entry, job });
      } else {
        const photo = this.embedder.prepare(bytes, file.type);
        photo.catch(() => undefined); // taken (and its error reported) in order, by takePrepared
        const preparing: Preparing = { record, entry, path, job, photo, copies: [] };
        this.preparing.push(preparing);
        this.preparingByHash.set(hash, preparing);
      }
    } catch (e) {
      if (this.ctx.signal.aborted) throw e;
      this.skip(path, (e as Error).message, entry, job);
    }
    while (this.preparing.length >= this.ahead) await this.takePrepared();
    if (this.light.files.length + this.light.entries.length >= LIGHT_MAX) await this.flush();
  }

  /** Says what the current file is at (a video's time). */
  onDetail: (detail: string) => void = () => {};

  /**
   * A video is indexed on its own (video-indexer.ts), after the photos before it are committed:
   * its frames take the encoder for a while, and its file must not wait behind them.
   */
  private async addVideo(file: File, path: string, entry: number, job: number): Promise<void> {
    await this.finish();
    try {
      if (!this.ctx.video) throw new VideoSkipped('videos are not indexed here');
      const outcome = await indexVideo(this.ctx, this.ctx.video, file, path, entry, this.onDetail);
      if (outcome.added) this.embedded++;
      if (outcome.partial) this.note(path, outcome.partial, job);
    } catch (e) {
      if (this.ctx.signal.aborted || !(e instanceof VideoSkipped)) throw e;
      this.skip(path, e.message, entry, job);
    }
  }

  /** A file that is indexed with something to say (a video indexed in part): listed with the skipped files. */
  private note(path: string, reason: string, job: number): void {
    this.skipped.push({ path, reason });
    this.light.skips.push({ job, path, reason });
  }

  /** Adds the oldest photo being prepared to the batch (or skips it with its reason), and embeds a full batch. */
  private async takePrepared(): Promise<void> {
    this.ctx.signal.throwIfAborted();
    const next = this.preparing.shift()!;
    this.preparingByHash.delete(next.record.hash);
    try {
      this.embedder.addPrepared(await next.photo, { record: next.record, entry: next.entry });
      this.inBatch.add(next.record.hash);
      this.batchFiles.push(...next.copies.map(({ record, entry }) => ({ record, entry })));
    } catch (e) {
      if (this.ctx.signal.aborted) throw e;
      const reason = (e as Error).message;
      this.skip(next.path, reason, next.entry, next.job);
      for (const copy of next.copies) this.skip(copy.record.path, reason, copy.entry, copy.job);
    }
    if (this.embedder.full) await this.flush();
  }

  /** Takes every photo still being prepared, then embeds and commits what is left. */
  async finish(): Promise<void> {
    while (this.preparing.length) await this.takePrepared();
    await this.flush();
  }

  /**
   * Another tab may have embedded these bytes since this worker loaded its matrix (the tabs index
   * one after the other, under a lock): the stored vector is taken instead of running the encoder.
   */
  private async embeddedElsewhere(hash: string): Promise<boolean> {
    if (this.inBatch.has(hash) || this.preparingByHash.has(hash)) return false;
    const stored = await readVector(this.ctx.db, this.ctx.modelKey, hash);
    if (stored?.length !== this.ctx.matrix.dim) return false;
    this.ctx.matrix.addUnit(hash, stored);
    return true;
  }

  /** A file that is not indexed (unreadable, not a photo): its queue entry is done. */
  skip(path: string, reason: string, entry: number, job: number): void {
    this.skipped.push({ path, reason });
    this.light.entries.push(entry);
    this.light.skips.push({ job, path, reason });
  }

  /** Embeds the batch (if any) and commits everything gathered, in one transaction. */
  async flush(): Promise<void> {
    const batch = await this.embedder.embed();
    const light = this.light;
    const batchFiles = this.batchFiles;
    if (!batch.length && !light.files.length && !light.entries.length && !light.skips.length) return;
    await this.write(batch, batchFiles, light);
    this.inBatch.clear();
    this.batchFiles = [];
    this.light = { files: [], entries: [], skips: [] };
    if (batch.length) {
      for (const p of batch) this.ctx.matrix.addUnit(p.payload.record.hash, p.vector);
      this.embedded += batch.length;
      this.ctx.onIndexed(batch.map((p) => p.payload.record.hash));
    }
    const filed = [...batchFiles.map((f) => f.record.hash), ...light.files.map((f) => f.hash)];
    if (filed.length) this.ctx.onFiled(filed);
  }

  /** One transaction: photo, thumbnail, embedding and file records commit with the deletion of their queue entries, or nothing does. */
  private async write(batch: EmbeddedImage<BlobThumbnail, Queued>[], batchFiles: Queued[], light: Run['light']): Promise<void> {
    await writeTransaction(this.ctx.db, ['photos', 'thumbnails', 'embeddings', 'vectors', 'files', 'queue', 'jobs'], async (tx) => {
      const now = Date.now();
      const queue = tx.objectStore('queue');
      const files = tx.objectStore('files');
      for (const p of batch) {
        const { record, entry } = p.payload;
        const { hash, type, size } = record;
        quiet(tx.objectStore('photos').put({ hash, width: p.width, height: p.height, type, size, addedAt: now }));
        if (p.thumbnail) quiet(tx.objectStore('thumbnails').put({ hash, blob: p.thumbnail.data, width: p.thumbnail.width, height: p.thumbnail.height }));
        quiet(queue.delete(entry));
      }
      const vectors = batch.map((p) => ({ hash: p.payload.record.hash, vector: p.vector }));
      await appendVectors({ vectors: tx.objectStore('vectors'), embeddings: tx.objectStore('embeddings') }, this.ctx.modelKey, vectors, this.ctx.matrix.dim);
      for (const f of batchFiles) quiet(queue.delete(f.entry));
      // In order, awaited: each placement sees the paths the ones before it took.
      for (const record of [...batch.map((p) => p.payload.record), ...batchFiles.map((f) => f.record), ...light.files]) await placeFile(files, record);
      for (const id of light.entries) quiet(queue.delete(id));
      const jobs = tx.objectStore('jobs');
      for (const job of new Set(light.skips.map((s) => s.job))) {
        const record = await jobs.get(job);
        if (!record) continue;
        for (const s of light.skips) if (s.job === job && record.skipped.length < SKIPS_KEPT) record.skipped.push({ path: s.path, reason: s.reason });
        quiet(jobs.put(record));
      }
    });
  }
}

/**
 * Progress with a smoothed rate and time left (engine/progress-rate.ts). The rate starts at the
 * first photo the run embeds: photos it already had go by at once and would promise far too
 * short a time.
 */
function progressReporter(ctx: IndexContext) {
  const started = performance.now();
  const rate = new ProgressRate();
  return (done: number, total: number, embedded: number, detail?: string) => {
    const now = performance.now();
    const reading = embedded > 0 ? rate.update(done, total, now / 1000) : null;
    ctx.onProgress({
      phase: 'index',
      label: 'Indexing',
      done,
      total,
      rate: reading?.rate || done / Math.max((now - started) / 1000, 0.001),
      etaSeconds: reading?.etaSeconds ?? null,
      ...(detail ? { detail } : {}),
    });
  };
}

/**
 * Drains the persisted queue in order: each entry is read (its IndexedDB copy, or through its
 * folder's handle), indexed, and deleted when its batch commits. Entries queued while the run
 * goes on are taken too (`more()` says some were queued since the last read). Files whose
 * folder needs the user's permission again stay queued and are counted. `summary` is filled
 * in as the run goes, so a stopped run still tells what it did.
 */
export async function indexQueue(ctx: IndexContext, more: () => boolean, summary: IndexSummary): Promise<IndexSummary> {
  const run = new Run(ctx);
  summary.skipped = run.skipped;
  const report = progressReporter(ctx);
  let after = 0;
  let done = 0;
  let total = await ctx.db.count('queue');
  report(0, total, 0);
  run.onDetail = (detail) => report(done, total, run.embedded, detail);
  for (;;) {
    const range = IDBKeyRange.lowerBound(after, true);
    const entries = await ctx.db.getAll('queue', range, READ_CHUNK);
    if (!entries.length) {
      if (more()) continue;
      break;
    }
    total = done + (await ctx.db.count('queue', range));
    for (const entry of entries) {
      const id = entry.id!;
      after = id;
      ctx.signal.throwIfAborted();
      await ctx.whenRunning();
      ctx.signal.throwIfAborted();
      let file: File | null = null;
      try {
        file = await readQueued(entry);
      } catch (e) {
        if (e instanceof PermissionNeededError) summary.waitingForPermission++;
        else run.skip(entry.path, (e as Error).message, id, entry.job);
      }
      if (file) await run.add(file, entry.path, id, entry.job);
      done++;
      summary.files = done;
      summary.embedded = run.embedded;
      report(done, total, run.embedded);
    }
  }
  await run.finish();
  summary.embedded = run.embedded;
  await deleteFinishedJobs(ctx.db);
  summary.left = await ctx.db.count('queue');
  report(done, done, run.embedded);
  return summary;
}

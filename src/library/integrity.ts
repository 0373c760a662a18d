// The library's start-up integrity check: finds records that do not fit together (a crash in an
// older version, storage trouble, a half-cleared site) and removes them, so the ranking and the
// grid only ever see whole photos. Files that lie under a remembered folder are queued again.
import { plural } from '../engine/format';
import { frameKey, parseFrameKey } from '../engine/video/frame-key';
import type { LibraryDb } from './db';
import { quiet } from './queue';
import type { IDBPTransaction } from 'idb';
import type { EmbeddingRecord, FileRecord, LibrarySchema, PhotoRecord, QueueEntry, ThumbnailRecord, VectorBlockRecord } from './schema';
import { READ_CHUNK, readInChunks } from './read-chunks';
import { modelBlocks, removeVectors } from './vector-blocks';

export interface IntegrityReport {
  /** Photos in the library after the check (videos apart). */
  photos: number;
  /** Videos in the library after the check (whole ones: with their photo record). */
  videos: number;
  /** Rows of the checked model after the check (a photo's embedding, or a video's frame). */
  embeddings: number;
  removed: {
    /** Embeddings of a photo that no longer exists (any model), or unusable vectors of the checked model. */
    embeddings: number;
    /** Photo records with no file, or malformed. */
    photos: number;
    /** File records pointing at a missing photo, or malformed. */
    files: number;
    /** Thumbnails of a missing photo, or empty. */
    thumbnails: number;
    /** Queue entries whose job or bytes are gone. */
    queue: number;
  };
  /** Files queued again: they lie under a remembered folder, so their bytes can be read again. */
  requeued: number;
  /** Files that lost their photo or its embedding and cannot be read again: add them again. */
  lost: string[];
  /** Embeddings of the checked model were removed: its ranking matrix must be rebuilt. */
  modelChanged: boolean;
}

export interface CheckedModel {
  key: string;
  /** The embedding dimension of the model's manifest. */
  dim: number;
  /**
   * What loading the model's vectors just saw (the worker reads them all at start-up): the
   * photos with a usable row, how many, and how many rows were not usable or repeated. With no
   * such row and one record per row, the vectors are not read again.
   */
  scanned?: { has(hash: string): boolean; rows: number; anomalies: number };
}

/** How far a stored vector's length may be from 1 (they are normalised before they are written). */
const NORM_TOLERANCE = 1e-3;

const STORES = ['photos', 'files', 'thumbnails', 'embeddings', 'vectors', 'folders', 'queue', 'jobs'] as const;

/**
 * Checks and repairs the library in one read-write transaction (so another tab's indexing never
 * interleaves with it). The rules:
 * 1. a photo record must have a positive width and height; a malformed one is removed;
 * 2. a file record must point at an existing photo, else it is removed (and its path queued again
 *    when it lies under a remembered folder);
 * 3. a photo must have at least one file record, else it is removed with its thumbnail and all
 *    its embeddings (nothing names it any more);
 * 4. an embedding of any model must belong to an existing photo, else it is removed;
 * 5. an embedding of the checked model must be a row of the block its record names, of the
 *    model's dimension, with finite values, of unit length; else it is removed and the photo's
 *    files are queued again where they can be read (a row that no record names is dropped);
 * 6. a thumbnail must belong to an existing photo and hold a non-empty Blob, else it is removed;
 * 7. a queue entry must belong to a job and have a readable source, else it is removed; a job
 *    without entries is finished and deleted.
 *
 * A video's frames (embeddings and thumbnails keyed "<hash>@<ms>", engine/video/frame-key.ts)
 * belong to the video's hash:
 * 8. a frame of a whole video (a photo record with `video`, well formed: its `frames` a list of
 *    whole milliseconds) is kept when its time is in the record's `frames`, else removed; a frame
 *    of a photo record without `video`, or of one removed by rules 1 or 3, is removed (so is an
 *    embedding under a video's bare hash: a video's rows are its frames);
 * 9. a frame with no photo record is a video still being indexed (its record is written last,
 *    once every frame is embedded; here or in another tab): kept while the queue holds entries
 *    after rule 7 (the run resumes from the frames it has), removed as an orphan when it is empty;
 * 10. a whole video with frame rows under the checked model, some of whose `frames` lack a usable
 *    row (rule 5 removed it, or it was never written), lost its embedding as a photo does in
 *    rule 5: its files are queued again where they can be read (the indexer embeds the frames
 *    without a row), else reported lost. A video with no row at all under the checked model is
 *    one that model has not indexed yet, like a photo without an embedding.
 * The queue (rule 7) is checked first: rule 9 needs to know whether it holds entries.
 */
export async function checkLibrary(db: LibraryDb, model: CheckedModel | null, chunk = READ_CHUNK): Promise<IntegrityReport> {
  // Looked over first without writing (other readers go on meanwhile: a 300k library takes
  // seconds); checked again and repaired in one read-write transaction only when it needs it.
  const look = await checkIn(db, model, false, chunk);
  return look.changes ? (await checkIn(db, model, true, chunk)).report : look.report;
}

/** The check in one transaction: repairing (`write`), or only counting the changes it would make. */
async function checkIn(db: LibraryDb, model: CheckedModel | null, write: boolean, chunk: number): Promise<{ report: IntegrityReport; changes: number }> {
  // A read-only transaction where nothing is written: `change` only counts then.
  const tx = db.transaction([...STORES], write ? 'readwrite' : 'readonly') as unknown as IDBPTransaction<LibrarySchema, (typeof STORES)[number][], 'readwrite'>;
  let changes = 0;
  const change = (request: () => Promise<unknown>) => {
    changes++;
    if (write) quiet(request());
  };
  const photos = tx.objectStore('photos');
  const files = tx.objectStore('files');
  const thumbnails = tx.objectStore('thumbnails');
  const embeddings = tx.objectStore('embeddings');
  const queue = tx.objectStore('queue');
  const jobs = tx.objectStore('jobs');
  const removed = { embeddings: 0, photos: 0, files: 0, thumbnails: 0, queue: 0 };
  let modelChanged = false;

  // 7. The queue, first: whether it holds entries decides the fate of frames without a video (rule 9).
  const jobIds = new Set(await jobs.getAllKeys());
  const queuedPaths = new Set<string>();
  const liveJobs = new Set<number>();
  let qc = await queue.openCursor();
  while (qc) {
    const entry = qc.value;
    if (jobIds.has(entry.job) && usableSource(entry)) {
      queuedPaths.add(entry.path);
      liveJobs.add(entry.job);
    } else {
      const at = qc;
      change(() => at.delete());
      removed.queue++;
    }
    qc = await qc.continue();
  }
  for (const id of jobIds) if (!liveJobs.has(id)) change(() => jobs.delete(id));
  /** Frames without a photo record are a video being indexed (rule 9) while the queue holds entries. */
  const indexing = queuedPaths.size > 0;

  // 1. Photos.
  // A store with a key path keeps each record's key in it: the values alone are read.
  const valid = new Set<string>();
  /** The frame times of each whole video (rule 8). */
  const videoFrames = new Map<string, Set<number>>();
  /** Photo records removed now (rules 1 and 3): their frames go too, queue or not. */
  const gone = new Set<string>();
  for (const p of await readInChunks(photos, (record) => record.hash, chunk)) {
    if (wellFormedPhoto(p)) {
      valid.add(p.hash);
      if (p.video) videoFrames.set(p.hash, new Set(p.video.frames));
    } else {
      change(() => photos.delete(p.hash));
      removed.photos++;
      gone.add(p.hash);
    }
  }

  // 2. Files.
  const filesByHash = new Map<string, FileRecord[]>();
  /** File records whose photo is gone: to queue again when readable. */
  const orphans: FileRecord[] = [];
  (await readInChunks(files, (f) => f.path, chunk)).forEach((f) => {
    const ok = typeof f?.hash === 'string';
    if (ok && valid.has(f.hash)) {
      const list = filesByHash.get(f.hash);
      if (list) list.push(f);
      else filesByHash.set(f.hash, [f]);
    } else {
      change(() => files.delete(f.path));
      removed.files++;
      if (ok) orphans.push(f);
    }
  });

  // 3. Photos nobody names.
  for (const hash of valid) {
    if (filesByHash.has(hash)) continue;
    valid.delete(hash);
    videoFrames.delete(hash);
    gone.add(hash);
    change(() => photos.delete(hash));
    removed.photos++;
  }

  /** Whether an embedding or thumbnail key has its photo (rules 4, 6), or is a frame kept by rules 8 and 9. */
  const belongs = (key: string, thumbnail: boolean): boolean => {
    const frame = parseFrameKey(key);
    if (!frame) return valid.has(key) && (thumbnail || !videoFrames.has(key));
    const times = videoFrames.get(frame.video);
    if (times) return times.has(frame.ms);
    return !valid.has(frame.video) && !gone.has(frame.video) && indexing;
  };

  // 4. Embeddings of missing photos, any model.
  const stores = { vectors: tx.objectStore('vectors'), embeddings };
  const orphanVectors = new Map<string, string[]>();
  /** The checked model's records of photos that exist (one read of the small records serves steps 4 and 5). */
  const records: EmbeddingRecord[] = [];
  for (const r of await readInChunks(embeddings, (record) => [record.model, record.hash], chunk)) {
    if (belongs(r.hash, false)) {
      if (r.model === model?.key) records.push(r);
      continue;
    }
    const list = orphanVectors.get(r.model);
    if (list) list.push(r.hash);
    else orphanVectors.set(r.model, [r.hash]);
    removed.embeddings++;
    if (r.model === model?.key) modelChanged = true;
  }
  for (const [m, hashes] of orphanVectors) {
    changes++;
    if (write) await removeVectors(stores, m, hashes);
  }

  // 5. The checked model's vectors.
  /** Photos whose embedding under the checked model was unusable: their files are queued again. */
  const reembed: FileRecord[] = [];
  let kept = 0;
  const scan = model?.scanned;
  const trusted = !!(model && scan && scan.anomalies === 0 && records.length === scan.rows && records.every((r) => scan.has(r.hash)));
  /** The rows found usable when they are read (not when the scan is trusted). */
  const found = new Set<string>();
  if (trusted) kept = records.length;
  else if (model) {
    const blockOf = new Map(records.map((r) => [r.hash, r.block]));
    let cursor = await stores.vectors.openCursor(modelBlocks(model.key));
    while (cursor) {
      const block = cursor.value;
      const rows = usableBlock(block, model.dim) ? block.hashes.length : 0;
      const keep: number[] = [];
      for (let i = 0; i < rows; i++) {
        const hash = block.hashes[i]!;
        if (blockOf.get(hash) !== block.block || found.has(hash)) continue; // a row no record names
        if (usableVector(block.vectors.subarray(i * model.dim, (i + 1) * model.dim), model.dim)) {
          keep.push(i);
          found.add(hash);
        }
      }
      if (keep.length < block.hashes.length) {
        const at = cursor;
        if (!keep.length) change(() => at.delete());
        else {
          const vectors = new Float32Array(keep.length * model.dim);
          keep.forEach((row, i) => vectors.set(block.vectors.subarray(row * model.dim, (row + 1) * model.dim), i * model.dim));
          change(() => at.update({ ...block, hashes: keep.map((i) => block.hashes[i]!), vectors }));
        }
      }
      cursor = await cursor.continue();
    }
    for (const r of records) {
      if (found.has(r.hash)) {
        kept++;
        continue;
      }
      change(() => embeddings.delete([model.key, r.hash]));
      removed.embeddings++;
      modelChanged = true;
      // A frame's video is checked whole below (rule 10).
      if (!parseFrameKey(r.hash)) reembed.push(...(filesByHash.get(r.hash) ?? []));
    }
  }

  // 10. Whole videos the checked model has rows of, but not of every frame: their files are queued again.
  if (model && videoFrames.size) {
    const framed = new Set<string>();
    for (const r of records) {
      const frame = parseFrameKey(r.hash);
      if (frame && videoFrames.has(frame.video)) framed.add(frame.video);
    }
    // The usable rows: every record when the worker's scan answered for them, else those step 5 found.
    const usable: { has(key: string): boolean } = trusted && scan ? scan : found;
    for (const video of framed)
      if (![...videoFrames.get(video)!].every((ms) => usable.has(frameKey(video, ms)))) reembed.push(...(filesByHash.get(video) ?? []));
  }

  // 6. Thumbnails.
  for (const t of await readInChunks(thumbnails, (record) => record.hash, chunk)) {
    if (belongs(t.hash, true) && usableThumbnail(t)) continue;
    change(() => thumbnails.delete(t.hash));
    removed.thumbnails++;
  }

  // Queue again what can be read again: files under a remembered folder.
  const folders = await tx.objectStore('folders').getAll();
  const again: QueueEntry[] = [];
  const lost: string[] = [];
  for (const f of [...orphans, ...reembed]) {
    if (queuedPaths.has(f.path)) continue;
    queuedPaths.add(f.path);
    const folder = folders.find((d) => f.path.startsWith(`${d.name}/`));
    if (folder)
      again.push({
        job: 0,
        path: f.path,
        name: f.name,
        size: f.size,
        lastModified: f.lastModified,
        type: f.type,
        source: { kind: 'folder', root: folder.handle },
      });
    else lost.push(f.path);
  }
  if (again.length) {
    changes++;
    if (write) {
      const job = await jobs.add({ createdAt: Date.now(), total: again.length, origin: 'repair', skipped: [] });
      for (const e of again) quiet(queue.add({ ...e, job }));
    }
  }

  await tx.done;
  return {
    report: { photos: valid.size - videoFrames.size, videos: videoFrames.size, embeddings: kept, removed, requeued: again.length, lost, modelChanged },
    changes,
  };
}

function wellFormedPhoto(p: PhotoRecord): boolean {
  return positive(p.width) && positive(p.height) && (p.video === undefined || wellFormedVideo(p.video));
}

/** A video's record lists its frame times as whole milliseconds (the keys of its rows). */
function wellFormedVideo(v: PhotoRecord['video']): boolean {
  return !!v && Array.isArray(v.frames) && v.frames.every((ms) => Number.isInteger(ms) && ms >= 0);
}

function positive(n: unknown): boolean {
  return typeof n === 'number' && Number.isFinite(n) && n > 0;
}

/** A block whose rows are a Float32Array of its hashes times the model's dimension. */
function usableBlock(block: VectorBlockRecord, dim: number): boolean {
  return Array.isArray(block.hashes) && block.vectors instanceof Float32Array && block.vectors.length === block.hashes.length * dim;
}

/** A Float32Array of the model's dimension, finite, of unit length. */
export function usableVector(v: Float32Array | undefined, dim: number): boolean {
  if (!(v instanceof Float32Array) || v.length !== dim) return false;
  let sum = 0;
  for (let i = 0; i < v.length; i++) {
    const x = v[i]!;
    if (!Number.isFinite(x)) return false;
    sum += x * x;
  }
  return Math.abs(Math.sqrt(sum) - 1) <= NORM_TOLERANCE;
}

function usableThumbnail(t: ThumbnailRecord | undefined): boolean {
  return !!t && t.blob instanceof Blob && t.blob.size > 0;
}

function usableSource(e: QueueEntry): boolean {
  const s = e.source;
  if (typeof e.path !== 'string' || !s) return false;
  if (s.kind === 'file') return s.blob instanceof Blob;
  if (s.kind === 'folder') return !!s.root;
  return false;
}

/** Total records removed. */
export function problemsFound(r: IntegrityReport): number {
  return r.removed.embeddings + r.removed.photos + r.removed.files + r.removed.thumbnails + r.removed.queue;
}

/** The short notice after the check: "Library check: no problems (40 photos)." or what was repaired. */
export function describeCheck(r: IntegrityReport): string {
  const n = problemsFound(r);
  if (!n) return `Library check: no problems (${plural(r.photos, 'photo')}${r.videos ? ` and ${plural(r.videos, 'video')}` : ''}).`;
  const parts: string[] = [];
  if (r.removed.embeddings) parts.push(plural(r.removed.embeddings, 'broken embedding'));
  if (r.removed.photos) parts.push(plural(r.removed.photos, 'photo record') + ' without a file');
  if (r.removed.files) parts.push(plural(r.removed.files, 'file record') + ' without a photo');
  if (r.removed.thumbnails) parts.push(plural(r.removed.thumbnails, 'stray thumbnail'));
  if (r.removed.queue) parts.push(plural(r.removed.queue, 'unreadable queue entry', 'unreadable queue entries'));
  let text = `Library check: removed ${parts.join(', ')}.`;
  if (r.requeued) text += ` ${plural(r.requeued, 'file')} queued again.`;
  if (r.lost.length)
    text += ` Add ${r.lost.length === 1 ? 'this file' : `these ${r.lost.length} files`} again to search ${r.lost.length === 1 ? 'it' : 'them'}: ${r.lost.slice(0, 3).join(', ')}${r.lost.length > 3 ? ', …' : ''}.`;
  return text;
}

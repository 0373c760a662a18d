import { normalized, type EmbeddingMatrix } from '../engine/rank';
import { preprocessClip } from '../engine/preprocess/clip-preprocess';
import type { ClipEngine } from '../engine/session/clip-engine';
import type { LibraryDb } from '../library/db';
import type { FileRecord } from '../library/schema';
import { quotaMessage } from './model-storage';
import { decodePhoto, type Thumbnail } from './photo-decode';
import type { IndexSummary, IntakeFile, TaskProgress } from './protocol';

const BATCH = 4;

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
}

/** A photo waiting for its batch: only its preprocessed pixels are kept, not the decoded image. */
interface Pending {
  intake: IntakeFile;
  hash: string;
  width: number;
  height: number;
  thumbnail: Thumbnail | null;
  pixels: Float32Array;
}

/**
 * Indexes files: hash the bytes; a photo already embedded under this model only gets its file
 * record; the others are decoded, preprocessed (the engine's code, as the parity tests check
 * it), embedded in batches and written with their thumbnails in one transaction per batch,
 * so an interrupted run leaves whole records only.
 */
export async function indexFiles(files: IntakeFile[], ctx: IndexContext): Promise<IndexSummary> {
  const skipped: IndexSummary['skipped'] = [];
  const started = performance.now();
  let done = 0;
  let embedded = 0;
  let batch: Pending[] = [];
  const seenInRun = new Set<string>();
  const report = () => {
    const seconds = (performance.now() - started) / 1000;
    const rate = done / Math.max(seconds, 0.001);
    ctx.onProgress({ phase: 'index', label: 'Indexing', done, total: files.length, rate, etaSeconds: done > 0 ? (files.length - done) / rate : null });
  };

  const size = 3 * ctx.resolution * ctx.resolution;
  const flush = async () => {
    if (!batch.length) return;
    const pixels = new Float32Array(batch.length * size);
    batch.forEach((p, i) => pixels.set(p.pixels, i * size));
    const vectors = await ctx.embed((engine) => engine.encodeImages(pixels, batch.length));
    await writeBatch(ctx, batch, vectors.map(normalized));
    embedded += batch.length;
    ctx.onIndexed(batch.map((p) => p.hash));
    batch = [];
  };

  for (const intake of files) {
    ctx.signal.throwIfAborted();
    await ctx.whenRunning();
    try {
      const bytes = await intake.file.arrayBuffer();
      if (bytes.byteLength === 0) throw new Error('empty file');
      const hash = await sha256Hex(bytes);
      if (ctx.matrix.has(hash) || seenInRun.has(hash)) {
        await putFileRecord(ctx.db, fileRecord(intake, hash));
      } else {
        seenInRun.add(hash);
        const { image, thumbnail } = await decodePhoto(new Blob([bytes], { type: intake.file.type }));
        const pixels = preprocessClip(image, ctx.resolution, ctx.mean, ctx.std);
        batch.push({ intake, hash, width: image.width, height: image.height, thumbnail, pixels });
        if (batch.length >= BATCH) await flush();
      }
    } catch (e) {
      if (ctx.signal.aborted) throw e;
      if ((e as DOMException).name === 'QuotaExceededError') throw new Error(quotaMessage(e, ''));
      skipped.push({ path: intake.path, reason: (e as Error).message });
    }
    done++;
    report();
  }
  await flush();
  report();
  return { files: files.length, embedded, skipped, cancelled: false };
}

function fileRecord(intake: IntakeFile, hash: string): FileRecord {
  const slash = intake.path.lastIndexOf('/');
  return {
    path: intake.path,
    name: intake.file.name,
    folder: slash > 0 ? intake.path.slice(0, slash) : '',
    hash,
    size: intake.file.size,
    lastModified: intake.file.lastModified,
    type: intake.file.type,
    addedAt: Date.now(),
  };
}

async function putFileRecord(db: LibraryDb, record: FileRecord): Promise<void> {
  const existing = await db.get('files', record.path);
  if (existing?.hash === record.hash) return;
  await db.put('files', record);
}

/** One transaction per batch: photo, thumbnail, embedding and file records commit together or not at all. */
async function writeBatch(ctx: IndexContext, batch: Pending[], vectors: Float32Array[]): Promise<void> {
  const tx = ctx.db.transaction(['photos', 'thumbnails', 'embeddings', 'files'], 'readwrite');
  const now = Date.now();
  batch.forEach((p, i) => {
    void tx.objectStore('photos').put({ hash: p.hash, width: p.width, height: p.height, type: p.intake.file.type, size: p.intake.file.size, addedAt: now });
    if (p.thumbnail) void tx.objectStore('thumbnails').put({ hash: p.hash, ...p.thumbnail });
    void tx.objectStore('embeddings').put({ model: ctx.modelKey, hash: p.hash, vector: vectors[i]! });
    void tx.objectStore('files').put(fileRecord(p.intake, p.hash));
  });
  await tx.done;
  batch.forEach((p, i) => ctx.matrix.add(p.hash, vectors[i]!));
}

async function sha256Hex(bytes: ArrayBuffer): Promise<string> {
  const digest = new Uint8Array(await crypto.subtle.digest('SHA-256', bytes));
  let hex = '';
  for (const b of digest) hex += b.toString(16).padStart(2, '0');
  return hex;
}

// Index files in the app: export the loaded model's index (its photos and videos, files,
// thumbnails and embeddings, a video's frames' rows and thumbnails under their frame keys
// "<hash>@<ms>") as one `.lcindex` file, and import one made with the same model here or by the
// CLI (src/engine/index-file/). An import only adds: what the library holds stays as it is.
import { checkSameModel, modelIdentity } from '../engine/bundle/identity';
import { fromIndexRecord, toIndexRecord } from '../engine/index-file/file-records';
import { openIndexFile } from '../engine/index-file/reader';
import { IndexFileError, type IndexFileRecord, type IndexThumbnail } from '../engine/index-file/types';
import { writeIndexFile, type FrameToWrite, type PhotoToWrite } from '../engine/index-file/writer';
import { BlobSource } from '../engine/io/source';
import { normalized, type EmbeddingMatrix } from '../engine/rank';
import type { Thumbnail } from '../engine/preprocess/thumbnail';
import { frameKey, itemOf } from '../engine/video/frame-key';
import type { LibraryDb } from '../library/db';
import { placeFile, type FilesStore } from '../library/place-file';
import { quiet } from '../library/queue';
import { appendVectors, readVectors, type StoredVector } from '../library/vector-blocks';
import type { IndexExport, IndexImportSummary, ModelInfo, TaskProgress } from './protocol';
import { StorageFullError, writeTransaction } from './write-transaction';

/** Embedding rows (photos, video frames) written per transaction: whole photos and videos, at least one. */
const IMPORT_BATCH = 4096;

/**
 * The loaded model's index: only photos embedded under it (with a file), their files and
 * thumbnails; and videos by the frames of theirs embedded under it (a video none of whose frames
 * is embedded is left out).
 */
export async function exportIndex(db: LibraryDb, model: ModelInfo): Promise<IndexExport> {
  const dim = model.manifest.architecture.embedDim;
  const embeddings: StoredVector[] = [];
  await readVectors(db, model.key, (hashes, vectors) => {
    if (vectors.length === hashes.length * dim) hashes.forEach((hash, i) => embeddings.push({ hash, vector: vectors.subarray(i * dim, (i + 1) * dim) }));
  });
  const tx = db.transaction(['photos', 'files', 'thumbnails', 'embeddings'], 'readonly');
  const [members, photoList, fileList, thumbList] = await Promise.all([
    tx.objectStore('embeddings').index('by-model').getAllKeys(model.key),
    tx.objectStore('photos').getAll(),
    tx.objectStore('files').getAll(),
    tx.objectStore('thumbnails').getAll(),
  ]);
  await tx.done;
  const photos = new Map(photoList.map((p) => [p.hash, p]));
  const thumbnails = new Map(thumbList.map((t) => [t.hash, t]));
  const named = new Set(fileList.map((f) => f.hash));
  const indexed = new Set(members.map((k) => k[1]));
  const vectors = new Map<string, Float32Array>();
  for (const e of embeddings) if (indexed.has(e.hash) && !vectors.has(e.hash) && e.vector.every(Number.isFinite)) vectors.set(e.hash, e.vector);
  const thumbnailOf = (key: string): Thumbnail<Blob> | null => {
    const t = thumbnails.get(key);
    return t && t.blob.size > 0 ? { data: t.blob, type: t.blob.type || 'image/webp', width: t.width, height: t.height } : null;
  };
  const out: PhotoToWrite<Blob>[] = [];
  const done = new Set<string>();
  // In storage order, a video where its first stored frame row is.
  for (const e of embeddings) {
    const hash = itemOf(e.hash);
    const p = photos.get(hash);
    if (!p || done.has(hash) || !named.has(hash)) continue;
    const meta = { hash, width: p.width, height: p.height, type: p.type, size: p.size };
    if (p.video) {
      const frames: number[] = [];
      const frameRows: FrameToWrite<Blob>[] = [];
      for (const ms of p.video.frames) {
        const vector = vectors.get(frameKey(hash, ms));
        if (!vector) continue;
        frames.push(ms);
        frameRows.push({ vector, thumbnail: thumbnailOf(frameKey(hash, ms)) });
      }
      done.add(hash);
      if (frames.length) out.push({ ...meta, video: { ...p.video, frames }, thumbnail: thumbnailOf(hash), frameRows });
    } else {
      const vector = vectors.get(hash);
      if (!vector) continue;
      done.add(hash);
      out.push({ ...meta, vector, thumbnail: thumbnailOf(hash) });
    }
  }
  if (!out.length) throw new Error(`Nothing to export: no photo is indexed for ${model.name} yet.`);
  const exported = new Set(out.map((p) => p.hash));
  const files = fileList.filter((f) => exported.has(f.hash)).map(toIndexRecord);
  const parts = writeIndexFile({ createdBy: 'app', model: modelIdentity(model.manifest, model.name), photos: out, files });
  return { blob: new Blob(parts as BlobPart[], { type: 'application/octet-stream' }), photos: out.length, files: files.length };
}

export interface ImportContext {
  db: LibraryDb;
  model: ModelInfo;
  matrix: EmbeddingMatrix;
  signal: AbortSignal;
  onProgress(p: TaskProgress): void;
  /** Embeddings were committed for these photos (the ranking has them). */
  onImported(hashes: string[]): void;
}

/**
 * Imports an index file (version 1 or 2) made with the loaded model. Refuses another model's
 * index naming both. Photos and videos are written in large batches, each one transaction of
 * photo records (a video's with its `video`), thumbnails, embeddings (a video's frames' rows under
 * their frame keys, and their thumbnails) and file records: photos the library has keep their
 * records, thumbnails and embeddings (a frame the library has keeps its own), files are placed as
 * the indexer places them (another photo of the same name is never lost). What the library holds
 * is read once, up front, so a batch only writes. `onImported` names the photos and videos
 * (their bare hashes) that got rows.
 */
export async function importIndex(file: File, ctx: ImportContext): Promise<IndexImportSummary> {
  const { db, model, matrix, signal } = ctx;
  let reader;
  try {
    reader = await openIndexFile(new BlobSource(file));
  } catch (e) {
    if (e instanceof IndexFileError) throw new Error(`${file.name} is not a usable index file: ${e.message}.`, { cause: e });
    throw e;
  }
  const { header } = reader;
  const dim = model.manifest.architecture.embedDim;
  checkSameModel(header.model, modelIdentity(model.manifest, model.name), 'This index', 'the loaded model', 'Load that model to import it.');
  const byHash = new Map<string, IndexFileRecord[]>();
  for (const f of header.files) byHash.set(f.hash, [...(byHash.get(f.hash) ?? []), f]);

  const summary: IndexImportSummary = { photos: header.photos.length, added: 0, alreadyIndexed: 0, filesAdded: 0 };
  const started = performance.now();
  const report = (done: number) => {
    const rate = done / Math.max((performance.now() - started) / 1000, 0.001);
    ctx.onProgress({
      phase: 'index',
      label: 'Importing the index',
      done,
      total: header.photos.length,
      rate,
      etaSeconds: done ? (header.photos.length - done) / rate : null,
    });
  };
  report(0);
  const known = await libraryKeys(db, model.key);
  const { rows } = reader;
  /** The keys of photos[i]'s rows: its hash, or its frames' keys. */
  const keysOf = (i: number): string[] => {
    const p = header.photos[i]!;
    return p.video ? p.video.frames.map((ms) => frameKey(p.hash, ms)) : [p.hash];
  };
  for (let start = 0; start < header.photos.length;) {
    signal.throwIfAborted();
    let end = start + 1;
    while (end < header.photos.length && rows[end + 1]! - rows[start]! <= IMPORT_BATCH) end++;
    const count = end - start;
    // Read before the transaction: it must not wait on anything but its own requests.
    const vectors = (await reader.vectors(rows[start]!, rows[end]! - rows[start]!)).map(normalized);
    const thumbs = await Promise.all(
      Array.from({ length: count }, (_, i) => (header.photos[start + i]!.thumbnail ? reader.thumbnail(start + i) : Promise.resolve(null))),
    );
    /** Each video's frame thumbnails, by position in this batch. */
    const frameThumbs = await Promise.all(
      Array.from({ length: count }, (_, i) =>
        Promise.all((header.photos[start + i]!.video?.frames ?? []).map((_ms, j) => reader.frameThumbnail(start + i, j))),
      ),
    );
    /** The rows written now: their keys and vectors. */
    const added: { key: string; vector: Float32Array }[] = [];
    /** The photos and videos that got rows now. */
    const addedHashes = new Set<string>();
    const placedPaths: string[] = [];
    try {
      await writeTransaction(db, ['photos', 'thumbnails', 'embeddings', 'vectors', 'files'], async (tx) => {
        const now = Date.now();
        const store = tx.objectStore('files');
        // Only a path the library already has is read back; a new one is written straight away.
        const files: FilesStore = {
          get: (path) => (known.paths.has(path) ? store.get(path) : Promise.resolve(undefined)),
          put: (record) => {
            if (!known.paths.has(record.path)) placedPaths.push(record.path);
            known.paths.add(record.path);
            return store.put(record);
          },
        };
        const photos = tx.objectStore('photos');
        const thumbnails = tx.objectStore('thumbnails');
        const putThumbnail = (key: string, bytes: Uint8Array | null | undefined, t: IndexThumbnail | null | undefined) => {
          if (!bytes || !t || known.thumbnails.has(key)) return;
          const blob = new Blob([bytes as Uint8Array<ArrayBuffer>], { type: t.type });
          quiet(thumbnails.put({ hash: key, blob, width: t.width, height: t.height }));
        };
        for (let i = 0; i < count; i++) {
          const p = header.photos[start + i]!;
          if (!known.photos.has(p.hash)) {
            const record = { hash: p.hash, width: p.width, height: p.height, type: p.type, size: p.size, addedAt: now };
            quiet(photos.put(p.video ? { ...record, video: { duration: p.video.duration, frames: [...p.video.frames], codec: p.video.codec } } : record));
          }
          putThumbnail(p.hash, thumbs[i], p.thumbnail);
          const keys = keysOf(start + i);
          let fresh = false;
          keys.forEach((key, j) => {
            if (p.video) putThumbnail(key, frameThumbs[i]![j], p.frameThumbnails?.[j]);
            if (known.embedded.has(key)) return;
            known.embedded.add(key);
            added.push({ key, vector: vectors[rows[start + i]! - rows[start]! + j]! });
            fresh = true;
          });
          if (fresh) addedHashes.add(p.hash);
          else summary.alreadyIndexed++;
          for (const f of byHash.get(p.hash) ?? []) await placeFile(files, fromIndexRecord(f));
        }
        const stores = { vectors: tx.objectStore('vectors'), embeddings: tx.objectStore('embeddings') };
        await appendVectors(
          stores,
          model.key,
          added.map(({ key, vector }) => ({ hash: key, vector })),
          dim,
        );
      });
    } catch (e) {
      for (const path of placedPaths) known.paths.delete(path);
      for (const { key } of added) known.embedded.delete(key);
      if (e instanceof StorageFullError) {
        throw new Error(
          `Storage is full: the index was imported up to photo ${start} of ${header.photos.length}; free some space and import it again to add the rest.`,
          { cause: e },
        );
      }
      throw e;
    }
    for (let i = 0; i < count; i++) {
      const p = header.photos[start + i]!;
      known.photos.add(p.hash);
      if (thumbs[i] && p.thumbnail) known.thumbnails.add(p.hash);
      p.video?.frames.forEach((ms, j) => {
        if (frameThumbs[i]![j] && p.frameThumbnails?.[j]) known.thumbnails.add(frameKey(p.hash, ms));
      });
    }
    for (const { key, vector } of added) matrix.addUnit(key, vector);
    summary.added += addedHashes.size;
    summary.filesAdded += placedPaths.length;
    if (addedHashes.size) ctx.onImported([...addedHashes]);
    report(end);
    start = end;
  }
  return summary;
}

/** What the library holds, by key: read once before an import. */
async function libraryKeys(db: LibraryDb, model: string) {
  const tx = db.transaction(['photos', 'thumbnails', 'embeddings', 'files'], 'readonly');
  const [photos, thumbnails, embedded, paths] = await Promise.all([
    tx.objectStore('photos').getAllKeys(),
    tx.objectStore('thumbnails').getAllKeys(),
    tx.objectStore('embeddings').index('by-model').getAllKeys(model),
    tx.objectStore('files').getAllKeys(),
  ]);
  await tx.done;
  return { photos: new Set(photos), thumbnails: new Set(thumbnails), embedded: new Set(embedded.map((k) => k[1])), paths: new Set(paths) };
}

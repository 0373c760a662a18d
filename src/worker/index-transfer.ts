// Index files in the app: export the loaded model's index (its photos, files, thumbnails and
// embeddings) as one `.lcindex` file, and import one made with the same model here or by the
// CLI (src/engine/index-file/). An import only adds: what the library holds stays as it is.
import { checkSameModel, modelIdentity } from '../engine/bundle/identity';
import { fromIndexRecord, toIndexRecord } from '../engine/index-file/file-records';
import { openIndexFile } from '../engine/index-file/reader';
import { IndexFileError, type IndexFileRecord } from '../engine/index-file/types';
import { writeIndexFile, type PhotoToWrite } from '../engine/index-file/writer';
import { BlobSource } from '../engine/io/source';
import { normalized, type EmbeddingMatrix } from '../engine/rank';
import type { LibraryDb } from '../library/db';
import { placeFile, type FilesStore } from '../library/place-file';
import { isQuotaError, quiet } from '../library/queue';
import type { IndexExport, IndexImportSummary, ModelInfo, TaskProgress } from './protocol';

/** Photos written per transaction. */
const IMPORT_BATCH = 128;

/** The loaded model's index: only photos embedded under it (with a file), their files and thumbnails. */
export async function exportIndex(db: LibraryDb, model: ModelInfo): Promise<IndexExport> {
  const dim = model.manifest.architecture.embedDim;
  const tx = db.transaction(['photos', 'files', 'thumbnails', 'embeddings'], 'readonly');
  const [embeddings, photoList, fileList, thumbList] = await Promise.all([
    tx.objectStore('embeddings').index('by-model').getAll(model.key),
    tx.objectStore('photos').getAll(),
    tx.objectStore('files').getAll(),
    tx.objectStore('thumbnails').getAll(),
  ]);
  await tx.done;
  const photos = new Map(photoList.map((p) => [p.hash, p]));
  const thumbnails = new Map(thumbList.map((t) => [t.hash, t]));
  const named = new Set(fileList.map((f) => f.hash));
  const out: PhotoToWrite<Blob>[] = [];
  for (const e of embeddings) {
    const p = photos.get(e.hash);
    if (!p || !named.has(e.hash) || e.vector?.length !== dim || !e.vector.every(Number.isFinite)) continue;
    const t = thumbnails.get(e.hash);
    const thumbnail = t && t.blob.size > 0 ? { data: t.blob, type: t.blob.type || 'image/webp', width: t.width, height: t.height } : null;
    out.push({ hash: p.hash, width: p.width, height: p.height, type: p.type, size: p.size, vector: e.vector, thumbnail });
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
 * Imports an index file made with the loaded model. Refuses another model's index naming
 * both. Each batch of photos commits its photo records, thumbnails, embeddings and file records
 * in one transaction: photos the library has keep their records, thumbnails and embeddings,
 * files are placed as the indexer places them (another photo of the same name is never lost).
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
  for (let start = 0; start < header.photos.length; start += IMPORT_BATCH) {
    signal.throwIfAborted();
    const count = Math.min(IMPORT_BATCH, header.photos.length - start);
    // Read before the transaction: it must not wait on anything but its own requests.
    const vectors = (await reader.vectors(start, count)).map(normalized);
    const thumbs = await Promise.all(Array.from({ length: count }, (_, i) => reader.thumbnail(start + i)));
    /** Positions in this batch of the photos whose embedding is written now. */
    const added: number[] = [];
    let filesAdded = 0;
    const tx = db.transaction(['photos', 'thumbnails', 'embeddings', 'files'], 'readwrite');
    try {
      const now = Date.now();
      const store = tx.objectStore('files');
      const files: FilesStore = {
        get: (path) => store.get(path),
        put: (record) => {
          filesAdded++;
          return store.put(record);
        },
      };
      for (let i = 0; i < count; i++) {
        const p = header.photos[start + i]!;
        if (!(await tx.objectStore('photos').get(p.hash)))
          quiet(tx.objectStore('photos').put({ hash: p.hash, width: p.width, height: p.height, type: p.type, size: p.size, addedAt: now }));
        const thumb = thumbs[i];
        if (thumb && p.thumbnail && !(await tx.objectStore('thumbnails').get(p.hash))) {
          const blob = new Blob([thumb as Uint8Array<ArrayBuffer>], { type: p.thumbnail.type });
          quiet(tx.objectStore('thumbnails').put({ hash: p.hash, blob, width: p.thumbnail.width, height: p.thumbnail.height }));
        }
        if (await tx.objectStore('embeddings').get([model.key, p.hash])) summary.alreadyIndexed++;
        else {
          quiet(tx.objectStore('embeddings').put({ model: model.key, hash: p.hash, vector: vectors[i]! }));
          added.push(i);
        }
        for (const f of byHash.get(p.hash) ?? []) await placeFile(files, fromIndexRecord(f));
      }
      await tx.done;
    } catch (e) {
      quiet(tx.done);
      try {
        tx.abort();
      } catch {
        // already finished
      }
      if (isQuotaError(e) || isQuotaError(tx.error)) {
        throw new Error(
          `Storage is full: the index was imported up to photo ${start} of ${header.photos.length}; free some space and import it again to add the rest.`,
          { cause: e },
        );
      }
      throw e;
    }
    const hashes = added.map((i) => header.photos[start + i]!.hash);
    added.forEach((i, n) => matrix.addUnit(hashes[n]!, vectors[i]!));
    summary.added += added.length;
    summary.filesAdded += filesAdded;
    if (hashes.length) ctx.onImported(hashes);
    report(start + count);
  }
  return summary;
}

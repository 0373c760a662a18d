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
import { appendVectors, readVectors, type StoredVector } from '../library/vector-blocks';
import type { IndexExport, IndexImportSummary, ModelInfo, TaskProgress } from './protocol';

/** Photos written per transaction. */
const IMPORT_BATCH = 4096;

/** The loaded model's index: only photos embedded under it (with a file), their files and thumbnails. */
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
  const out: PhotoToWrite<Blob>[] = [];
  for (const e of embeddings) {
    const p = photos.get(e.hash);
    if (!p || !named.has(e.hash) || !indexed.has(e.hash) || !e.vector.every(Number.isFinite)) continue;
    indexed.delete(e.hash); // once, should a stray second row exist
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
 * both. Photos are written in large batches, each one transaction of photo records, thumbnails,
 * embeddings and file records: photos the library has keep their records, thumbnails and
 * embeddings, files are placed as the indexer places them (another photo of the same name is
 * never lost). What the library holds is read once, up front, so a batch only writes.
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
  for (let start = 0; start < header.photos.length; start += IMPORT_BATCH) {
    signal.throwIfAborted();
    const count = Math.min(IMPORT_BATCH, header.photos.length - start);
    // Read before the transaction: it must not wait on anything but its own requests.
    const vectors = (await reader.vectors(start, count)).map(normalized);
    const thumbs = await Promise.all(
      Array.from({ length: count }, (_, i) => (header.photos[start + i]!.thumbnail ? reader.thumbnail(start + i) : Promise.resolve(null))),
    );
    /** Positions in this batch of the photos whose embedding is written now. */
    const added: number[] = [];
    const addedHashes = new Set<string>();
    const placedPaths: string[] = [];
    const tx = db.transaction(['photos', 'thumbnails', 'embeddings', 'vectors', 'files'], 'readwrite');
    try {
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
      for (let i = 0; i < count; i++) {
        const p = header.photos[start + i]!;
        if (!known.photos.has(p.hash)) quiet(photos.put({ hash: p.hash, width: p.width, height: p.height, type: p.type, size: p.size, addedAt: now }));
        const thumb = thumbs[i];
        if (thumb && p.thumbnail && !known.thumbnails.has(p.hash)) {
          const blob = new Blob([thumb as Uint8Array<ArrayBuffer>], { type: p.thumbnail.type });
          quiet(thumbnails.put({ hash: p.hash, blob, width: p.thumbnail.width, height: p.thumbnail.height }));
        }
        if (known.embedded.has(p.hash) || addedHashes.has(p.hash)) summary.alreadyIndexed++;
        else {
          added.push(i);
          addedHashes.add(p.hash);
        }
        for (const f of byHash.get(p.hash) ?? []) await placeFile(files, fromIndexRecord(f));
      }
      const stores = { vectors: tx.objectStore('vectors'), embeddings: tx.objectStore('embeddings') };
      await appendVectors(
        stores,
        model.key,
        added.map((i) => ({ hash: header.photos[start + i]!.hash, vector: vectors[i]! })),
        dim,
      );
      await tx.done;
    } catch (e) {
      quiet(tx.done);
      try {
        tx.abort();
      } catch {
        // already finished
      }
      for (const path of placedPaths) known.paths.delete(path);
      if (isQuotaError(e) || isQuotaError(tx.error)) {
        throw new Error(
          `Storage is full: the index was imported up to photo ${start} of ${header.photos.length}; free some space and import it again to add the rest.`,
          { cause: e },
        );
      }
      throw e;
    }
    const hashes = added.map((i) => header.photos[start + i]!.hash);
    for (let i = 0; i < count; i++) {
      const p = header.photos[start + i]!;
      known.photos.add(p.hash);
      if (thumbs[i] && p.thumbnail) known.thumbnails.add(p.hash);
    }
    added.forEach((i, n) => {
      known.embedded.add(hashes[n]!);
      matrix.addUnit(hashes[n]!, vectors[i]!);
    });
    summary.added += added.length;
    summary.filesAdded += placedPaths.length;
    if (hashes.length) ctx.onImported(hashes);
    report(start + count);
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

// `npm run index`'s work: every image under a folder hashed, decoded, preprocessed and embedded
// as the app does it, with the app's thumbnails; what an earlier index (--in) already holds
// is reused, never embedded again.
import { createHash } from 'node:crypto';
import { open, readFile, stat, type FileHandle } from 'node:fs/promises';
import { basename, extname, relative, resolve, sep } from 'node:path';
import type { IndexReader } from '../engine/index-file/reader';
import type { IndexFileRecord, ModelIdentity } from '../engine/index-file/types';
import type { PhotoToWrite } from '../engine/index-file/writer';
import { preprocessClip } from '../engine/preprocess/clip-preprocess';
import { exifDate } from '../engine/preprocess/exif-date';
import { normalized } from '../engine/rank';
import type { ClipEngine } from '../engine/session/clip-engine';
import { checkPhotoBytes } from '../worker/photo-decode';
import { decodeImageFile } from './decode-node';
import { listImages } from './image-files';
import { makeThumbnail } from './thumbnail-node';

const BATCH = 8;

/** A thumbnail already written to the spool file: only its size travels to the writer. */
export interface Spooled {
  readonly size: number;
}

export interface BuildInput {
  folder: string;
  engine: ClipEngine;
  model: ModelIdentity;
  /** An earlier index of the same model: its embeddings are reused, its files kept. */
  previous: IndexReader | null;
  /** Thumbnails are appended here in photo order (the file's thumbnail section), not kept in memory. */
  spool: FileHandle;
  log(line: string): void;
}

export interface BuiltIndex {
  photos: PhotoToWrite<Spooled>[];
  files: IndexFileRecord[];
  embedded: number;
  reused: number;
  skipped: number;
}

const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

interface Pending {
  hash: string;
  width: number;
  height: number;
  type: string;
  size: number;
  thumbnail: Awaited<ReturnType<typeof makeThumbnail>>;
}

export async function buildIndex(input: BuildInput): Promise<BuiltIndex> {
  const { engine, previous, log } = input;
  const { resolution: r, manifest } = engine;
  const pixelCount = 3 * r * r;
  const root = resolve(input.folder);
  const rootName = basename(root);
  const previousAt = new Map(previous?.header.photos.map((p, i) => [p.hash, i]) ?? []);
  const photos = new Map<string, PhotoToWrite<Spooled>>();
  const files: IndexFileRecord[] = [];
  let spooled = 0;
  let embedded = 0;
  let reused = 0;
  let skipped = 0;

  async function spool(bytes: Uint8Array): Promise<Spooled> {
    await input.spool.write(bytes, 0, bytes.length, spooled);
    spooled += bytes.length;
    return { size: bytes.length };
  }

  /** Takes a photo of the earlier index, with its embedding and thumbnail. */
  async function reuse(hash: string): Promise<void> {
    const i = previousAt.get(hash)!;
    const p = previous!.header.photos[i]!;
    const [vector] = await previous!.vectors(i, 1);
    const thumb = await previous!.thumbnail(i);
    const thumbnail = thumb && p.thumbnail ? { data: await spool(thumb), type: p.thumbnail.type, width: p.thumbnail.width, height: p.thumbnail.height } : null;
    photos.set(hash, { hash, width: p.width, height: p.height, type: p.type, size: p.size, vector: vector!, thumbnail });
    reused++;
  }

  let batch: Pending[] = [];
  let pixels = new Float32Array(BATCH * pixelCount);
  async function flush(): Promise<void> {
    if (!batch.length) return;
    const vectors = await engine.encodeImages(pixels.subarray(0, batch.length * pixelCount), batch.length);
    for (const [i, p] of batch.entries()) {
      const t = p.thumbnail;
      photos.set(p.hash, { hash: p.hash, width: p.width, height: p.height, type: p.type, size: p.size, vector: normalized(vectors[i]!), thumbnail: { data: await spool(t.bytes), type: t.type, width: t.width, height: t.height } });
    }
    embedded += batch.length;
    batch = [];
    pixels = new Float32Array(BATCH * pixelCount);
  }

  const paths = await listImages([root]);
  const inBatch = new Set<string>();
  const report = (done: number) => log(`${done}/${paths.length} files: ${embedded} embedded, ${reused} reused, ${skipped} skipped`);
  for (const [n, full] of paths.entries()) {
    const path = [rootName, ...relative(root, full).split(sep)].join('/');
    try {
      const bytes = new Uint8Array(await readFile(full));
      const info = await stat(full);
      const hash = createHash('sha256').update(bytes).digest('hex');
      const type = MIME[extname(full).toLowerCase()] ?? '';
      if (!photos.has(hash) && !inBatch.has(hash)) {
        if (previousAt.has(hash)) await reuse(hash);
        else {
          checkPhotoBytes(bytes);
          const image = await decodeImageFile(full);
          preprocessClip(image, r, manifest.mean, manifest.std, pixels, batch.length * pixelCount);
          batch.push({ hash, width: image.width, height: image.height, type, size: bytes.length, thumbnail: await makeThumbnail(image) });
          inBatch.add(hash);
        }
      }
      const slash = path.lastIndexOf('/');
      const takenAt = exifDate(bytes);
      files.push({
        path,
        name: basename(full),
        folder: path.slice(0, slash),
        hash,
        size: bytes.length,
        lastModified: Math.floor(info.mtimeMs),
        type,
        addedAt: Date.now(),
        // The capture date, as the app's indexer reads it (the date filters and sorting use it).
        ...(takenAt !== null && { extra: { takenAt } }),
      });
    } catch (e) {
      skipped++;
      log(`skipped ${path}: ${(e as Error).message.replace(`${full}: `, '')}`);
    }
    if (batch.length >= BATCH) {
      await flush();
      inBatch.clear();
      report(n + 1);
    }
  }
  await flush();
  report(paths.length);

  // The earlier index's other files stay (a path scanned now takes the new bytes).
  const scanned = new Set(files.map((f) => f.path));
  for (const f of previous?.header.files ?? []) {
    if (scanned.has(f.path)) continue;
    if (!photos.has(f.hash)) await reuse(f.hash);
    files.push(f);
  }
  return { photos: [...photos.values()], files, embedded, reused, skipped };
}

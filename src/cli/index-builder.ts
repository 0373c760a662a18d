// `npm run index`'s work: every image under a folder hashed and embedded through the engine's
// image embedder, as the app's worker does it (sharp decodes here), with the app's thumbnails;
// what an earlier index (--in) already holds is reused, never embedded again.
import { readFile, stat } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import { ImageEmbedder, type EmbeddedImage } from '../engine/embed/image-embedder';
import type { ModelIdentity } from '../engine/bundle/identity';
import { toIndexRecord } from '../engine/index-file/file-records';
import type { IndexReader } from '../engine/index-file/reader';
import type { IndexFileRecord } from '../engine/index-file/types';
import type { PhotoToWrite } from '../engine/index-file/writer';
import { sha256Hex } from '../engine/io/sha256';
import { fileRecordFor, type PhotoMeta } from '../engine/records';
import type { ClipEngine } from '../engine/session/clip-engine';
import { listImages, mimeTypeOf } from './image-files';
import { inOrder } from './in-order';
import { inShard, type Shard } from './shard';
import { photosAhead } from '../engine/embed/decode-threads';
import { startThreadPool, type ThreadPool } from './prepare-pool';
import { sharpPhotoDecoder, type BytesThumbnail } from './sharp-decoder';
import type { Spooled, ThumbnailSpool } from './thumbnail-spool';

export interface BuildInput {
  folder: string;
  engine: ClipEngine;
  model: ModelIdentity;
  /** An earlier index of the same model: its embeddings are reused, its files kept. */
  previous: IndexReader | null;
  /** Thumbnails go here, in photo order (the file's thumbnail section), not kept in memory. */
  spool: ThumbnailSpool;
  /** Only this share of the folder's files (`--shard k/n`); null: all. */
  shard: Shard | null;
  log(line: string): void;
}

export interface BuiltIndex {
  photos: PhotoToWrite<Spooled>[];
  files: IndexFileRecord[];
  embedded: number;
  reused: number;
  skipped: number;
}

/** What is known of a photo before it is decoded. */
type Known = Omit<PhotoMeta, 'width' | 'height'>;

export async function buildIndex(input: BuildInput): Promise<BuiltIndex> {
  // Photos are decoded and preprocessed in worker threads, several ahead, while the encoder runs.
  const pool = startThreadPool(input.engine, input.log);
  try {
    return await build(input, pool);
  } finally {
    pool.close();
  }
}

async function build(input: BuildInput, pool: ThreadPool): Promise<BuiltIndex> {
  const { engine, previous, log } = input;
  const root = resolve(input.folder);
  const rootName = basename(root);
  const previousAt = new Map(previous?.header.photos.map((p, i) => [p.hash, i]) ?? []);
  const photos = new Map<string, PhotoToWrite<Spooled>>();
  const files: IndexFileRecord[] = [];
  const embedder = new ImageEmbedder<BytesThumbnail, Known>(engine.manifest, (pixels, count) => engine.encodeImages(pixels, count), sharpPhotoDecoder, {
    preparer: pool,
  });
  let embedded = 0;
  let reused = 0;
  let skipped = 0;

  /** Takes a photo of the earlier index, with its embedding and thumbnail. */
  async function reuse(hash: string): Promise<void> {
    const i = previousAt.get(hash)!;
    const p = previous!.header.photos[i]!;
    const [vector] = await previous!.vectors(i, 1);
    const thumb = await previous!.thumbnail(i);
    const thumbnail =
      thumb && p.thumbnail ? { data: await input.spool.add(thumb), type: p.thumbnail.type, width: p.thumbnail.width, height: p.thumbnail.height } : null;
    photos.set(hash, { hash, width: p.width, height: p.height, type: p.type, size: p.size, vector: vector!, thumbnail });
    reused++;
  }

  async function keep(batch: EmbeddedImage<BytesThumbnail, Known>[]): Promise<void> {
    for (const p of batch) {
      const t = p.thumbnail!;
      photos.set(p.payload.hash, {
        ...p.payload,
        width: p.width,
        height: p.height,
        vector: p.vector,
        thumbnail: { ...t, data: await input.spool.add(t.data) },
      });
    }
    embedded += batch.length;
  }

  const all = await listImages([root]);
  const paths = input.shard ? all.filter((full) => inShard(relative(root, full).split(sep).join('/'), input.shard!)) : all;
  if (input.shard) log(`shard ${input.shard.k}/${input.shard.n}: ${paths.length} of ${all.length} files`);
  const inBatch = new Set<string>();
  const pathOf = (full: string) => [rootName, ...relative(root, full).split(sep)].join('/');
  const report = (done: number) => log(`${done}/${paths.length} files: ${embedded} embedded, ${reused} reused, ${skipped} skipped`);
  /** What can be done ahead, several files at once: read, hash, and decode unless the earlier index has the photo. */
  const prepare = async (full: string) => {
    const bytes = new Uint8Array(await readFile(full));
    const info = await stat(full);
    const hash = await sha256Hex(bytes);
    const type = mimeTypeOf(full);
    const record = toIndexRecord(
      fileRecordFor({ path: pathOf(full), name: basename(full), size: bytes.length, lastModified: Math.floor(info.mtimeMs), type }, hash, bytes),
    );
    return { record, prepared: previousAt.has(hash) ? null : await embedder.prepare(bytes, type) };
  };
  let n = 0;
  for await (const outcome of inOrder(paths, photosAhead(pool.size), prepare)) {
    n++;
    if ('error' in outcome) {
      skipped++;
      log(`skipped ${pathOf(outcome.item)}: ${(outcome.error as Error).message}`);
    } else {
      const { record, prepared } = outcome.value;
      const { hash, type, size } = record;
      if (!photos.has(hash) && !inBatch.has(hash)) {
        if (!prepared) await reuse(hash);
        else {
          embedder.addPrepared(prepared, { hash, type, size });
          inBatch.add(hash);
        }
      }
      files.push(record);
    }
    if (embedder.full) {
      await keep(await embedder.embed());
      inBatch.clear();
      report(n);
    }
  }
  await keep(await embedder.embed());
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

// `npm run index`'s work: every image under a folder hashed and embedded through the engine's
// image embedder, as the app's worker does it (sharp decodes here), with the app's thumbnails;
// then every video, by its sampled frames (ffmpeg decodes: video-embed.ts), where ffmpeg is on
// the PATH. What an earlier index (--in) already holds is reused, never embedded again.
import { readFile, stat } from 'node:fs/promises';
import { basename, relative, resolve, sep } from 'node:path';
import { ImageEmbedder, type EmbeddedImage } from '../engine/embed/image-embedder';
import type { ModelIdentity } from '../engine/bundle/identity';
import { toIndexRecord } from '../engine/index-file/file-records';
import type { IndexReader } from '../engine/index-file/reader';
import type { IndexFileRecord } from '../engine/index-file/types';
import type { FrameToWrite, PhotoToWrite } from '../engine/index-file/writer';
import { NodeFileSource } from '../engine/io/node-file-source';
import { sha256Hex, sha256Source } from '../engine/io/sha256';
import { fileRecordFor, type PhotoMeta } from '../engine/records';
import type { ClipEngine } from '../engine/session/clip-engine';
import { hasFfmpeg } from './ffmpeg-frames';
import { copyEntry } from './index-entry';
import { listMedia, mimeTypeOf } from './image-files';
import { inOrder } from './in-order';
import { inShard, type Shard } from './shard';
import { photosAhead } from '../engine/embed/decode-threads';
import { startThreadPool, type ThreadPool } from './prepare-pool';
import { sharpPhotoDecoder, type BytesThumbnail } from './sharp-decoder';
import type { Spooled, ThumbnailSpool } from './thumbnail-spool';
import { embedVideoFile } from './video-embed';

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
  /** Photos and videos. */
  photos: PhotoToWrite<Spooled>[];
  files: IndexFileRecord[];
  /** Photos and videos embedded now, reused from --in, skipped (files). */
  embedded: number;
  reused: number;
  skipped: number;
}

/** What is known of a photo before it is decoded. */
type Known = Omit<PhotoMeta, 'width' | 'height' | 'video'>;

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

  /** Takes a photo or video of the earlier index, with its embeddings and thumbnails. */
  async function reuse(hash: string): Promise<void> {
    photos.set(hash, await copyEntry(previous!, previousAt.get(hash)!, input.spool));
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

  const media = await listMedia([root]);
  const ours = (list: string[]) => (input.shard ? list.filter((full) => inShard(relative(root, full).split(sep).join('/'), input.shard!)) : list);
  const paths = ours(media.images);
  const videos = ours(media.videos);
  if (input.shard) log(`shard ${input.shard.k}/${input.shard.n}: ${paths.length + videos.length} of ${media.images.length + media.videos.length} files`);
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

  if (videos.length && !(await hasFfmpeg())) {
    skipped += videos.length;
    log(`${videos.length} video${videos.length === 1 ? '' : 's'} skipped: ffmpeg is not on the PATH (install ffmpeg to index videos)`);
  } else {
    for (const [i, full] of videos.entries()) if ((await indexVideo(full, `video ${i + 1}/${videos.length}`)) === 'skipped') skipped++;
  }

  /** One video: hashed in pieces, reused from the earlier index or embedded by its frames; 'skipped' when nothing of it can be read. */
  async function indexVideo(full: string, count: string): Promise<'skipped' | 'done'> {
    const path = pathOf(full);
    const info = await stat(full);
    const source = await NodeFileSource.open(full);
    let hash: string;
    try {
      hash = await sha256Source(source);
    } finally {
      await source.close();
    }
    const record = toIndexRecord(
      fileRecordFor({ path, name: basename(full), size: info.size, lastModified: Math.floor(info.mtimeMs), type: mimeTypeOf(full) }, hash, new Uint8Array(0)),
    );
    if (!photos.has(hash)) {
      if (previousAt.has(hash)) await reuse(hash);
      else {
        const frameRows: FrameToWrite<Spooled>[] = [];
        const started = performance.now();
        let video;
        try {
          video = await embedVideoFile(input.engine, full, { thumbnails: true }, async (batch) => {
            for (const f of batch) {
              const t = f.thumbnail;
              frameRows.push({ vector: f.vector, thumbnail: t ? { ...t, data: await input.spool.add(t.data) } : null });
            }
          });
        } catch (e) {
          log(`skipped ${path}: ${(e as Error).message}`);
          return 'skipped';
        }
        const { info: v, frames, problem } = video;
        if (problem) log(`partly indexed ${path}: ${problem}`);
        const seconds = (performance.now() - started) / 1000;
        log(
          `${count} ${path}: ${frames.length} frames of ${v.duration.toFixed(1)} s in ${seconds.toFixed(1)} s (${(frames.length / seconds).toFixed(1)} frames/s, ${(v.duration / seconds).toFixed(1)} video seconds/s)`,
        );
        photos.set(hash, {
          hash,
          width: v.width,
          height: v.height,
          type: record.type,
          size: record.size,
          video: { duration: v.duration, frames, codec: v.codec },
          // The video's thumbnail is its first frame's (the same spooled bytes: written once).
          thumbnail: frameRows[0]!.thumbnail,
          frameRows,
        });
        embedded++;
      }
    }
    files.push(record);
    return 'done';
  }

  // The earlier index's other files stay (a path scanned now takes the new bytes).
  const scanned = new Set(files.map((f) => f.path));
  for (const f of previous?.header.files ?? []) {
    if (scanned.has(f.path)) continue;
    if (!photos.has(f.hash)) await reuse(f.hash);
    files.push(f);
  }
  return { photos: [...photos.values()], files, embedded, reused, skipped };
}

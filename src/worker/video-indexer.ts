// One video through the indexing run: hashed in pieces, its frames sampled and decoded by a
// VideoFrameSource (engine/video/frame-source.ts; in the browser video-frames.ts), each frame
// through the same image embedder as a photo, committed a batch at a time under its frame key
// ("<hash>@<ms>") with its thumbnail. The video's photo record (with its frame times), its file
// record and the deletion of its queue entry commit last, together: a video with a photo record
// is whole. A run stopped part way leaves committed frames, which the next run keeps (it
// embeds only the frames without a row) — a closed tab resumes where the video stopped.
import { ImageEmbedder, type EmbeddedImage } from '../engine/embed/image-embedder';
import { BlobSource } from '../engine/io/source';
import { sha256Source } from '../engine/io/sha256';
import type { RgbaImage } from '../engine/preprocess/rgba-image';
import { REASON_EMPTY } from '../engine/preprocess/skip-reasons';
import { fileRecordFor, type FileRecord } from '../engine/records';
import { formatMoment, frameKey } from '../engine/video/frame-key';
import type { SampledFrame, VideoFrameSource, VideoInfo } from '../engine/video/frame-source';
import { placeFile } from '../library/place-file';
import { quiet } from '../library/queue';
import { appendVectors } from '../library/vector-blocks';
import type { BlobThumbnail } from './photo-decoder';
import type { IndexContext } from './indexer';
import { writeTransaction } from './write-transaction';

/** How the worker reads videos: demux and decode (WebCodecs in the browser), and thumbnails of frames. */
export interface VideoReader {
  /** Opens a video; throws an Error whose message is the reason it is skipped. */
  open(file: Blob): Promise<VideoFrameSource>;
  thumbnail(image: RgbaImage): Promise<BlobThumbnail>;
}

/** What the run learns from one video. */
export interface VideoOutcome {
  /** Frames embedded now (0: it was in the library, or every frame had a row from an earlier run). */
  embedded: number;
  /** A video that ended early (a damaged or truncated file): what is indexed, and why the rest is not. */
  partial: string | null;
  /** True when the video is new to the library under this model (its record was written now). */
  added: boolean;
}

/** A video that cannot be indexed, with the reason shown; other errors (the encoder, storage) stop the run. */
export class VideoSkipped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'VideoSkipped';
  }
}

const skipped = (e: unknown): VideoSkipped => new VideoSkipped(e instanceof Error ? e.message : String(e));

/** A frame waiting in the embedder's batch. */
interface FrameSlot {
  key: string;
}

/** Says a video's time as progress: "34 of 60 s", or "1:10 of 4:00" past a minute. */
export function videoProgress(name: string, seconds: number, duration: number): string {
  if (duration >= 60) return `Indexing ${name}: ${formatMoment(seconds * 1000)} of ${formatMoment(duration * 1000)}`;
  return `Indexing ${name}: ${Math.floor(seconds)} of ${Math.round(duration)} s`;
}

/**
 * Indexes one video. Throws VideoSkipped with the reason when nothing of it can be indexed (the
 * caller skips the file); a video readable only in part is indexed up to where it breaks, and
 * `partial` says so.
 */
export async function indexVideo(
  ctx: IndexContext,
  reader: VideoReader,
  file: File,
  path: string,
  entry: number,
  onDetail: (detail: string) => void,
): Promise<VideoOutcome> {
  if (file.size === 0) throw new VideoSkipped(REASON_EMPTY);
  const hash = await sha256Source(new BlobSource(file, file.name), undefined, ctx.signal).catch((e: unknown) => {
    throw ctx.signal.aborted ? e : skipped(e);
  });
  const record = fileRecordFor({ path, name: file.name, size: file.size, lastModified: file.lastModified, type: file.type }, hash, new Uint8Array(0));
  const stored = await ctx.db.get('photos', hash);
  if (stored?.video && stored.video.frames.every((ms) => ctx.matrix.has(frameKey(hash, ms)))) {
    await commitVideo(ctx, null, record, entry);
    ctx.onFiled([hash]);
    return { embedded: 0, partial: null, added: false };
  }

  const source = await reader.open(file).catch((e: unknown) => {
    throw ctx.signal.aborted ? e : skipped(e);
  });
  try {
    const { info } = source;
    const embedder = new ImageEmbedder<BlobThumbnail, FrameSlot>(ctx.model, ctx.encode, ctx.decoder);
    const frames: number[] = [];
    let cover: BlobThumbnail | null = null;
    let embedded = 0;
    let partial: string | null = null;
    const commitBatch = async () => {
      const batch = await embedder.embed();
      if (!batch.length) return;
      await commitFrames(ctx, batch);
      for (const f of batch) ctx.matrix.addUnit(f.payload.key, f.vector);
      embedded += batch.length;
      ctx.onFrames(hash);
    };
    const iterator = source.frames(ctx.signal)[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<SampledFrame>;
      try {
        next = await iterator.next();
      } catch (e) {
        // The file breaks here (damaged, truncated): what was read before stays indexed.
        if (ctx.signal.aborted) throw e;
        if (!frames.length) throw skipped(e);
        partial = `only the first ${formatMoment(frames.at(-1)! + 1000)} was indexed: ${(e as Error).message}`;
        break;
      }
      if (next.done) break;
      const frame = next.value;
      ctx.signal.throwIfAborted();
      await ctx.whenRunning();
      ctx.signal.throwIfAborted();
      frames.push(frame.ms);
      onDetail(videoProgress(file.name, frame.ms / 1000, info.duration));
      const key = frameKey(hash, frame.ms);
      if (ctx.matrix.has(key)) {
        // Embedded by an earlier run that stopped part way.
        if (!cover) cover = await storedThumbnail(ctx, key);
        continue;
      }
      const thumbnail = await reader.thumbnail(frame.image);
      cover ??= thumbnail;
      embedder.addImage(frame.image, thumbnail, { key });
      if (embedder.full) await commitBatch();
    }
    await commitBatch();
    if (!frames.length) throw new VideoSkipped('no frame of this video could be decoded');
    await commitVideo(ctx, { info, frames, cover }, record, entry);
    ctx.onIndexed([hash]);
    return { embedded, partial, added: true };
  } finally {
    source.close();
  }
}

async function storedThumbnail(ctx: IndexContext, key: string): Promise<BlobThumbnail | null> {
  const t = await ctx.db.get('thumbnails', key);
  return t ? { data: t.blob, type: t.blob.type, width: t.width, height: t.height } : null;
}

/** One transaction: a batch of frames' rows and thumbnails. */
async function commitFrames(ctx: IndexContext, batch: EmbeddedImage<BlobThumbnail, FrameSlot>[]): Promise<void> {
  await writeTransaction(ctx.db, ['thumbnails', 'embeddings', 'vectors'], async (tx) => {
    for (const f of batch) {
      if (f.thumbnail)
        quiet(tx.objectStore('thumbnails').put({ hash: f.payload.key, blob: f.thumbnail.data, width: f.thumbnail.width, height: f.thumbnail.height }));
    }
    const vectors = batch.map((f) => ({ hash: f.payload.key, vector: f.vector }));
    await appendVectors({ vectors: tx.objectStore('vectors'), embeddings: tx.objectStore('embeddings') }, ctx.modelKey, vectors, ctx.matrix.dim);
  });
}

/** One transaction: the video's record (when new) and cover thumbnail, its file record, the deletion of its queue entry. */
async function commitVideo(
  ctx: IndexContext,
  video: { info: VideoInfo; frames: number[]; cover: BlobThumbnail | null } | null,
  record: FileRecord,
  entry: number,
): Promise<void> {
  await writeTransaction(ctx.db, ['photos', 'thumbnails', 'files', 'queue'], async (tx) => {
    if (video) {
      const { info, frames, cover } = video;
      const { hash, type, size } = record;
      quiet(
        tx.objectStore('photos').put({
          hash,
          width: info.width,
          height: info.height,
          type,
          size,
          addedAt: Date.now(),
          video: { duration: info.duration, frames, codec: info.codec },
        }),
      );
      if (cover) quiet(tx.objectStore('thumbnails').put({ hash, blob: cover.data, width: cover.width, height: cover.height }));
    }
    await placeFile(tx.objectStore('files'), record);
    quiet(tx.objectStore('queue').delete(entry));
  });
}

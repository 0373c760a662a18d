// One video through the engine's image embedder, as the CLI commands run it: its sampled frames
// from ffmpeg (ffmpeg-frames.ts), each preprocessed and encoded like a photo, in batches of its
// own, with the app's thumbnail (sharp, from the frame's pixels) made while the batch fills.
import { ImageEmbedder } from '../engine/embed/image-embedder';
import type { ClipEngine } from '../engine/session/clip-engine';
import type { SampledFrame, VideoInfo } from '../engine/video/frame-source';
import { openFfmpegVideo, VideoReadError } from './ffmpeg-frames';
import { sharpPhotoDecoder, thumbnailOf, type BytesThumbnail } from './sharp-decoder';

/** A sampled frame, embedded. */
export interface EmbeddedFrame {
  /** Milliseconds from the start. */
  ms: number;
  /** The encoder's output as it is. */
  embedding: Float32Array;
  /** The same, unit length. */
  vector: Float32Array;
  thumbnail: BytesThumbnail | null;
}

export interface EmbeddedVideo {
  info: VideoInfo;
  /** The times of the frames embedded, in order. */
  frames: number[];
  /** Set for a file read only in part: the reason, naming how far it got (the frames before are embedded). */
  problem: string | null;
}

interface Slot {
  ms: number;
  thumbnail: Promise<BytesThumbnail> | null;
}

/**
 * Embeds the sampled frames of the video at `path`, handing each batch to `keep` in time order.
 * Throws a VideoReadError with the skip reason when no frame of it can be read.
 */
export async function embedVideoFile(
  engine: ClipEngine,
  path: string,
  options: { thumbnails: boolean },
  keep: (batch: EmbeddedFrame[]) => Promise<void> | void,
): Promise<EmbeddedVideo> {
  const video = await openFfmpegVideo(path);
  const embedder = new ImageEmbedder<BytesThumbnail, Slot>(engine.manifest, (pixels, count) => engine.encodeImages(pixels, count), sharpPhotoDecoder);
  const frames: number[] = [];
  let problem: string | null = null;
  const flush = async () => {
    const batch = await embedder.embed();
    if (!batch.length) return;
    const thumbnails = await Promise.all(batch.map((f) => f.payload.thumbnail ?? Promise.resolve(null)));
    await keep(batch.map((f, i) => ({ ms: f.payload.ms, embedding: f.embedding, vector: f.vector, thumbnail: thumbnails[i] ?? null })));
  };
  try {
    const iterator = video.frames()[Symbol.asyncIterator]();
    for (;;) {
      let next: IteratorResult<SampledFrame>;
      try {
        next = await iterator.next();
      } catch (e) {
        // The file breaks here: what was read before is kept.
        if (!frames.length) throw e instanceof VideoReadError ? e : new VideoReadError((e as Error).message, { cause: e });
        problem = (e as Error).message;
        break;
      }
      if (next.done) break;
      const { ms, image } = next.value;
      frames.push(ms);
      const thumbnail = options.thumbnails ? thumbnailOf(image) : null;
      thumbnail?.catch(() => undefined); // awaited with its batch; not unhandled meanwhile
      embedder.addImage(image, null, { ms, thumbnail });
      if (embedder.full) await flush();
    }
    await flush();
    return { info: video.info, frames, problem: problem ?? video.problem };
  } finally {
    video.close();
  }
}

// The browser's video frame source: mediabunny demuxes the File a slice at a time (BlobSource),
// WebCodecs decodes every frame (inter frames need their references), and only the frames the
// sampling rule keeps (engine/video/sampler.ts: one a second and one at every cut) are copied
// out at full size. Candidates are judged by the signature of a 64 x 64 drawing, so a 4K video
// costs a 4K copy once a second, not 30 times.
//
// Rotation, exactly once: mediabunny puts the track's display-matrix rotation on each VideoSample
// as metadata only; the decoder's VideoFrame carries none (Chromium 150: rotation 0), and
// copyTo() always gives the stored pixels. So the stored RGBA is turned upright here, once, by
// orient() with the sample's rotation and flip (e2e/video-frames.spec.ts checks portrait.mp4).
import { BlobSource, VideoSampleSink, type InputVideoTrack, type VideoSample } from 'mediabunny';
import { orient } from '../engine/preprocess/orient';
import type { RgbaImage } from '../engine/preprocess/rgba-image';
import { checkComplete, openVideo, VideoSkipError, type CanDecode } from '../engine/video/demux';
import type { SampledFrame, VideoFrameSource, VideoInfo } from '../engine/video/frame-source';
import { FrameSampler, frameSignature } from '../engine/video/sampler';
import { videoDecodeFailed } from '../engine/video/skip-reasons';
import { yuv420ToRgba } from '../engine/video/yuv';

/** Side of the drawing a candidate's signature is computed from. */
const SIGNATURE_DRAW_SIZE = 64;
/** What mediabunny may hold of the file at once: the file is read in slices, never whole. */
const READ_CACHE_BYTES = 16 * 1024 * 1024;

export interface BrowserVideoOptions {
  /** Whether the codec decodes here; by default WebCodecs is asked (VideoDecoder.isConfigSupported). */
  canDecode?: CanDecode;
  /** Start at this time (a resumed video): the first frame at or after it is the first sample. */
  startMs?: number;
}

/** What a source has decoded so far (for progress and speed reports). */
export interface DecodeStats {
  /** Frames decoded, sampled or not. */
  decoded: number;
  /** Frames whose signature was computed. */
  candidates: number;
  /** Frames handed out. */
  sampled: number;
  /** Seconds of video decoded (the end of the last frame). */
  seconds: number;
  /** The rotation the decoder's own VideoFrames carried (0 when it leaves rotation to us), or null before the first. */
  frameRotation: number | null;
}

export interface BrowserVideoSource extends VideoFrameSource {
  readonly stats: DecodeStats;
}

const webCodecsCanDecode: CanDecode = (track) => track.canDecode();

/**
 * Opens a video File or Blob. Throws a VideoSkipError whose message is the skip reason (empty,
 * not a video, no video track, damaged, a codec this browser does not decode).
 */
export async function openBrowserVideo(file: Blob, options: BrowserVideoOptions = {}): Promise<BrowserVideoSource> {
  const video = await openVideo(new BlobSource(file, { maxCacheSize: READ_CACHE_BYTES }), options.canDecode ?? webCodecsCanDecode);
  const stats: DecodeStats = { decoded: 0, candidates: 0, sampled: 0, seconds: 0, frameRotation: null };
  return {
    info: video.info,
    stats,
    frames: (signal) => sampledFrames(video.track, video.info, stats, options.startMs ?? 0, signal),
    close: () => video.close(),
  };
}

async function* sampledFrames(
  track: InputVideoTrack,
  info: VideoInfo,
  stats: DecodeStats,
  startMs: number,
  signal?: AbortSignal,
): AsyncGenerator<SampledFrame> {
  signal?.throwIfAborted();
  const sampler = new FrameSampler();
  const canvas = new OffscreenCanvas(SIGNATURE_DRAW_SIZE, SIGNATURE_DRAW_SIZE);
  const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  if (!ctx) throw new Error('no 2D canvas for frame signatures');
  // An untagged video is read as ffmpeg (the official pipeline) reads it: BT.601 (engine/video/yuv.ts).
  const untagged = !(await track.getColorSpace()).matrix;
  const samples = new VideoSampleSink(track).samples(startMs / 1000);
  try {
    while (true) {
      let next: IteratorResult<VideoSample, void>;
      try {
        next = await samples.next();
      } catch (e) {
        if (signal?.aborted) throw signal.reason;
        // The decoder (or the demuxer) failed part way: the frames already handed out stay valid.
        throw new VideoSkipError(videoDecodeFailed(Math.round(stats.seconds * 1000)), { cause: e });
      }
      if (next.done) break;
      const frame = await judge(next.value, sampler, ctx, stats, startMs, untagged);
      if (frame) {
        stats.sampled++;
        yield frame;
      }
      signal?.throwIfAborted();
    }
  } finally {
    // Stops the decoder and closes the samples it still holds (a break, an abort or an error).
    await samples.return();
  }
  checkComplete(info, stats.seconds);
}

/** Closes the sample in every case; returns the frame when the sampler keeps it. */
async function judge(
  sample: VideoSample,
  sampler: FrameSampler,
  ctx: OffscreenCanvasRenderingContext2D,
  stats: DecodeStats,
  startMs: number,
  untagged: boolean,
): Promise<SampledFrame | null> {
  try {
    stats.decoded++;
    stats.seconds = Math.max(stats.seconds, sample.timestamp + sample.duration);
    const ms = Math.round(sample.timestamp * 1000);
    // Frames before the start (a resumed video decodes from the key frame before it), or before 0 (an edit list).
    if (ms < startMs || ms < 0 || !sampler.wants(ms)) return null;
    stats.candidates++;
    sample.draw(ctx, 0, 0, SIGNATURE_DRAW_SIZE, SIGNATURE_DRAW_SIZE);
    const signature = frameSignature({
      width: SIGNATURE_DRAW_SIZE,
      height: SIGNATURE_DRAW_SIZE,
      data: ctx.getImageData(0, 0, SIGNATURE_DRAW_SIZE, SIGNATURE_DRAW_SIZE).data,
    });
    const reason = sampler.offer(ms, signature);
    if (!reason) return null;
    if (stats.frameRotation === null) stats.frameRotation = decoderRotation(sample);
    return { ms, image: await uprightPixels(sample, untagged), reason };
  } finally {
    sample.close();
  }
}

/**
 * The sample's pixels as upright RGBA: the stored pixels copied out (an untagged 4:2:0 video
 * converted here as ffmpeg would, the rest by the browser), then turned by the display matrix once.
 */
async function uprightPixels(sample: VideoSample, untagged: boolean): Promise<RgbaImage> {
  const { width, height } = sample.visibleRect;
  if (sample.squarePixelWidth !== width || sample.squarePixelHeight !== height) return drawnPixels(sample);
  let data: Uint8Array;
  if (untagged && (sample.format === 'I420' || sample.format === 'NV12')) {
    const raw = new Uint8Array(sample.allocationSize({ rect: sample.visibleRect }));
    const planes = await sample.copyTo(raw, { rect: sample.visibleRect });
    data = yuv420ToRgba(raw, sample.format, planes, width, height);
  } else {
    data = new Uint8Array(width * height * 4);
    await sample.copyTo(data, { format: 'RGBA', colorSpace: 'srgb' });
  }
  return orient({ width, height, data }, sample.rotation, sample.flip);
}

/** Non-square pixels: drawn at the display size (mediabunny's draw scales and applies rotation and flip, once). */
function drawnPixels(sample: VideoSample): RgbaImage {
  const { displayWidth: width, displayHeight: height } = sample;
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  if (!ctx) throw new Error('no 2D canvas to read a video frame');
  sample.draw(ctx, 0, 0, width, height);
  return { width, height, data: new Uint8Array(ctx.getImageData(0, 0, width, height).data.buffer) };
}

/** The rotation on the decoder's own VideoFrame (Chromium's VideoFrame.rotation), for the record. */
function decoderRotation(sample: VideoSample): number {
  const frame: VideoFrame & { rotation?: number } = sample.toVideoFrame();
  try {
    return frame.rotation ?? 0;
  } finally {
    frame.close();
  }
}

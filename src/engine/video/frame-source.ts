// A video as the image embedder sees it: a source of sampled, upright frames with their times.
// The worker's source demuxes with mediabunny and decodes with WebCodecs; the CLI's runs ffmpeg.
import type { RgbaImage } from '../preprocess/rgba-image';
import type { SampleReason } from './sampler';

/** What is known of a video before its frames are decoded. */
export interface VideoInfo {
  /** Seconds. */
  duration: number;
  /** The upright (display) size. */
  width: number;
  height: number;
  /** "avc", "hevc", "vp8", "vp9", "av1", …: the container's codec name. */
  codec: string;
  /** Clockwise degrees of the container's display matrix, applied once to every frame. */
  rotation: 0 | 90 | 180 | 270;
}

/** A sampled frame, upright, at `ms` milliseconds (whole) from the start. */
export interface SampledFrame {
  ms: number;
  image: RgbaImage;
  reason: SampleReason;
}

/** One video's sampled frames, read from its file a piece at a time. */
export interface VideoFrameSource {
  readonly info: VideoInfo;
  /** The sampled frames in time order (FrameSampler's rule); throws with a reason when decoding fails part way. */
  frames(signal?: AbortSignal): AsyncIterable<SampledFrame>;
  close(): void;
}

// Which frames of a video are embedded: at least one per second, and one at every cut (a big
// change from the previous sample), so that no shot is missed. Decoders offer candidate frames
// (at most one per CANDIDATE_INTERVAL_MS); each candidate is judged by a tiny signature of its
// pixels, so only the sampled frames are copied out at full size. The browser (WebCodecs) and
// the CLI (ffmpeg) sample by this same rule.
import type { RgbaImage } from '../preprocess/rgba-image';

/** Frames looked at: at most one every 100 ms. */
export const CANDIDATE_INTERVAL_MS = 100;
/** A frame is sampled at least once a second. */
export const SAMPLE_INTERVAL_MS = 1000;
/**
 * Signature distance (mean absolute difference of 8 x 8 RGB cell means, 0..1) that counts as a cut.
 * Measured on the demo clips' decoded frames (ffmpeg, every frame scaled to 64 x 64): the 36 hard
 * cuts between gallery scenes (background and shapes change) are 0.051 to 0.630 apart, six of
 * them under 0.08 (0.051, 0.056, 0.059 in clip_02.webm, 0.061, 0.069 in clip_04.mp4, 0.074 in
 * rotated/portrait.mp4); frames within a static scene at most 0.0003 (VP9's noise). 0.03 catches
 * every cut with a margin of 1.7 and stays 100 times above a static scene's noise.
 */
export const CUT_DISTANCE = 0.03;
/**
 * Cuts closer than this to the last cut (or the first frame) wait: a shaking camera does not sample
 * every candidate. Counted from the last cut, not the last interval sample, so a cut that comes just
 * after a once-a-second sample is still caught at once (at most 4 cuts and 1 interval a second).
 */
export const MIN_CUT_GAP_MS = 250;
/** Cells per side of a frame signature. */
export const SIGNATURE_SIDE = 8;

export type SampleReason = 'first' | 'interval' | 'cut';

/** The mean R, G and B (0..1) of each cell of an 8 x 8 grid over the image: a frame's signature. */
export function frameSignature(img: RgbaImage): Float32Array {
  const n = SIGNATURE_SIDE;
  const sums = new Float64Array(n * n * 3);
  const counts = new Float64Array(n * n);
  const { width, height, data } = img;
  for (let y = 0; y < height; y++) {
    const cy = Math.min(n - 1, Math.floor((y * n) / height));
    for (let x = 0; x < width; x++) {
      const cell = cy * n + Math.min(n - 1, Math.floor((x * n) / width));
      const i = (y * width + x) * 4;
      sums[cell * 3] = sums[cell * 3]! + data[i]!;
      sums[cell * 3 + 1] = sums[cell * 3 + 1]! + data[i + 1]!;
      sums[cell * 3 + 2] = sums[cell * 3 + 2]! + data[i + 2]!;
      counts[cell] = counts[cell]! + 1;
    }
  }
  const out = new Float32Array(n * n * 3);
  for (let c = 0; c < n * n; c++) for (let k = 0; k < 3; k++) out[c * 3 + k] = counts[c] ? sums[c * 3 + k]! / counts[c]! / 255 : 0;
  return out;
}

/** Mean absolute difference of two signatures (0: the same, 1: black against white). */
export function signatureDistance(a: Float32Array, b: Float32Array): number {
  let sum = 0;
  for (let i = 0; i < a.length; i++) sum += Math.abs(a[i]! - (b[i] ?? 0));
  return sum / a.length;
}

/** The sampling rule over one video's frames, offered in time order. */
export class FrameSampler {
  private lastCandidate = -Infinity;
  private lastSample = -Infinity;
  private lastCut = -Infinity;
  private lastSignature: Float32Array | null = null;

  /** Whether the frame at `ms` should be offered (its signature computed): one per CANDIDATE_INTERVAL_MS. */
  wants(ms: number): boolean {
    return this.lastSignature === null || ms >= this.lastCandidate + CANDIDATE_INTERVAL_MS;
  }

  /** Judges a candidate frame: why it is sampled, or null when it is not. */
  offer(ms: number, signature: Float32Array): SampleReason | null {
    this.lastCandidate = ms;
    let reason: SampleReason | null = null;
    if (this.lastSignature === null) reason = 'first';
    else if (ms - this.lastSample >= SAMPLE_INTERVAL_MS) reason = 'interval';
    else if (ms - this.lastCut >= MIN_CUT_GAP_MS && signatureDistance(signature, this.lastSignature) > CUT_DISTANCE) reason = 'cut';
    if (reason) {
      if (reason !== 'interval') this.lastCut = ms;
      this.lastSample = ms;
      this.lastSignature = signature;
    }
    return reason;
  }
}

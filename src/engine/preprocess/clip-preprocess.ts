// CLIP's image transform (torchvision on a PIL image): Resize(R, BICUBIC), CenterCrop(R),
// convert('RGB'), ToTensor, Normalize(mean, std). Output is [3, R, R] float32, channel-major.
import { resizeBicubic } from './pil-bicubic';
import { assertRgbaImage, type RgbaImage } from './rgba-image';

export const CLIP_MEAN: readonly number[] = [0.48145466, 0.4578275, 0.40821073];
export const CLIP_STD: readonly number[] = [0.26862954, 0.26130258, 0.27577711];

/** torchvision's size for Resize(int): shorter side to `resolution`, longer side `int(R * long / short)`. */
export function resizedSize(width: number, height: number, resolution: number): [number, number] {
  if (width <= height) return [resolution, Math.trunc((resolution * height) / width)];
  return [Math.trunc((resolution * width) / height), resolution];
}

/** CenterCrop's offset `int(round((size - crop) / 2))`, Python's round: halves go to even. */
export function centerCropOffset(size: number, crop: number): number {
  const d = size - crop;
  if (d < 0) throw new RangeError(`crop ${crop} is larger than ${size}`);
  const half = d >> 1;
  return d & 1 && half & 1 ? half + 1 : half;
}

/** ToTensor then Normalize, as torch does them in float32, for each 8-bit value. */
function normaliseTable(mean: number, std: number): Float32Array {
  const m = Math.fround(mean);
  const s = Math.fround(std);
  const t = new Float32Array(256);
  for (let v = 0; v < 256; v++) t[v] = Math.fround(Math.fround(v / 255) - m) / s;
  return t;
}

/**
 * Preprocesses an upright RGBA image the way the official CLIP / Long-CLIP transform does.
 * Writes 3 * resolution^2 floats into `out` at `outOffset` (a batch slot) and returns `out`;
 * without `out` a new array is returned. Alpha is dropped after resizing, as convert('RGB') does.
 */
export function preprocessClip(
  img: RgbaImage,
  resolution: number,
  mean: readonly number[],
  std: readonly number[],
  out?: Float32Array,
  outOffset = 0,
): Float32Array {
  assertRgbaImage(img);
  if (!Number.isInteger(resolution) || resolution < 1) throw new RangeError(`bad resolution ${resolution}`);
  if (mean.length !== 3 || std.length !== 3) throw new RangeError('mean and std need 3 values (R, G, B)');
  const plane = resolution * resolution;
  const dst = out ?? new Float32Array(3 * plane);
  if (!Number.isInteger(outOffset) || outOffset < 0 || outOffset + 3 * plane > dst.length) {
    throw new RangeError(`output buffer of ${dst.length} floats cannot hold ${3 * plane} at offset ${outOffset}`);
  }

  const [w, h] = resizedSize(img.width, img.height, resolution);
  const crop = { x: centerCropOffset(w, resolution), y: centerCropOffset(h, resolution), width: resolution, height: resolution };
  const px = resizeBicubic(img, w, h, crop).data;

  const tr = normaliseTable(mean[0]!, std[0]!);
  const tg = normaliseTable(mean[1]!, std[1]!);
  const tb = normaliseTable(mean[2]!, std[2]!);
  const o0 = outOffset,
    o1 = outOffset + plane,
    o2 = outOffset + 2 * plane;
  for (let i = 0, p = 0; i < plane; i++, p += 4) {
    dst[o0 + i] = tr[px[p]!]!;
    dst[o1 + i] = tg[px[p + 1]!]!;
    dst[o2 + i] = tb[px[p + 2]!]!;
  }
  return dst;
}

// YUV 4:2:0 to RGBA the way ffmpeg's default conversion does it, for videos that do not say
// which colour matrix they use. The official pipeline takes frames with ffmpeg, which reads an
// untagged video as BT.601 limited range; Chromium reads the same video as BT.709, and on the
// demo clips that moves a frame's cosine with its description by up to 0.04 (0.8589 against
// the official 0.8925 for one frame). Tagged videos keep the browser's conversion.

/** One plane of a decoded frame: where it starts in the buffer and its row stride in bytes. */
export interface Plane {
  offset: number;
  stride: number;
}

/** Planar I420 (Y, U, V) or semi-planar NV12 (Y, interleaved UV). */
export type Yuv420Format = 'I420' | 'NV12';

// BT.601 limited range in 16.16 fixed point, as swscale's tables round them.
const FIX = 1 << 16;
const Y_GAIN = Math.round(1.164383 * FIX);
const V_TO_R = Math.round(1.596027 * FIX);
const U_TO_G = Math.round(0.391762 * FIX);
const V_TO_G = Math.round(0.812968 * FIX);
const U_TO_B = Math.round(2.017232 * FIX);

const clamp = (v: number): number => (v < 0 ? 0 : v > 255 ? 255 : v);

/**
 * Converts a 4:2:0 frame (its visible `width` x `height`, from the planes' origin) to opaque RGBA
 * with BT.601 limited-range coefficients; each chroma sample covers its 2 x 2 block of pixels.
 */
export function yuv420ToRgba(data: Uint8Array, format: Yuv420Format, planes: readonly Plane[], width: number, height: number): Uint8Array {
  const [y, u, v] = planes;
  if (!y || !u || (format === 'I420' && !v)) throw new RangeError(`a ${format} frame needs ${format === 'I420' ? 3 : 2} planes, got ${planes.length}`);
  const out = new Uint8Array(width * height * 4);
  const half = FIX / 2;
  for (let row = 0; row < height; row++) {
    const yRow = y.offset + row * y.stride;
    const cRow = row >> 1;
    for (let col = 0; col < width; col++) {
      const c = col >> 1;
      let cb: number;
      let cr: number;
      if (format === 'I420') {
        cb = data[u.offset + cRow * u.stride + c]!;
        cr = data[v!.offset + cRow * v!.stride + c]!;
      } else {
        const at = u.offset + cRow * u.stride + 2 * c;
        cb = data[at]!;
        cr = data[at + 1]!;
      }
      const luma = (data[yRow + col]! - 16) * Y_GAIN + half;
      const du = cb - 128;
      const dv = cr - 128;
      const o = (row * width + col) * 4;
      out[o] = clamp((luma + V_TO_R * dv) >> 16);
      out[o + 1] = clamp((luma - U_TO_G * du - V_TO_G * dv) >> 16);
      out[o + 2] = clamp((luma + U_TO_B * du) >> 16);
      out[o + 3] = 255;
    }
  }
  return out;
}

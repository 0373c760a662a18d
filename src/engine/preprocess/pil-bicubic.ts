// PIL's Image.resize(size, BICUBIC) for 8-bit images, bit-exact (libImaging/Resample.c):
// separable, horizontal pass first, fixed-point weights, rounding and clamping to 8 bits
// after each pass. Only the requested crop of the output is computed: every output pixel
// depends only on its own weights, so this equals a full resize followed by a crop.
import { assertRgbaImage, isOpaque, type RgbaImage } from './rgba-image';

const PRECISION_BITS = 32 - 8 - 2;
const ONE = 1 << PRECISION_BITS;
const HALF = 1 << (PRECISION_BITS - 1);
const BICUBIC_SUPPORT = 2;

// Passes read whole RGBA pixels as 32-bit words (one load instead of four); these shifts pick
// the channels out of a word on either byte order.
const LITTLE_ENDIAN = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1;
const SR = LITTLE_ENDIAN ? 0 : 24;
const SG = LITTLE_ENDIAN ? 8 : 16;
const SB = LITTLE_ENDIAN ? 16 : 8;
const SA = LITTLE_ENDIAN ? 24 : 0;

/** Keys' cubic convolution kernel with a = -0.5, written as PIL evaluates it. */
export function bicubicFilter(x: number): number {
  const a = -0.5;
  if (x < 0) x = -x;
  if (x < 1) return ((a + 2) * x - (a + 3)) * x * x + 1;
  if (x < 2) return (((x - 5) * x + 8) * x - 4) * a;
  return 0;
}

/** Fixed-point resampling weights for the outputs start .. start + count - 1 of one axis. */
export interface ResampleCoeffs {
  start: number;
  count: number;
  /** Stride of `weights` per output. */
  ksize: number;
  /** Per output: first input index, number of taps. */
  bounds: Int32Array;
  /** count * ksize weights scaled by 2^22. */
  weights: Int32Array;
}

/** PIL's precompute_coeffs + normalize_coeffs_8bpc (box = whole input), for a range of outputs. */
export function precomputeCoeffs(inSize: number, outSize: number, start = 0, count = outSize - start): ResampleCoeffs {
  const scale = inSize / outSize;
  const filterscale = scale < 1 ? 1 : scale;
  // Shrinking widens the kernel by the scale factor: that is PIL's antialiasing.
  const support = BICUBIC_SUPPORT * filterscale;
  const ksize = Math.ceil(support) * 2 + 1;
  const ss = 1 / filterscale;
  const bounds = new Int32Array(count * 2);
  const weights = new Int32Array(count * ksize);
  const k = new Float64Array(ksize);
  for (let i = 0; i < count; i++) {
    const center = (start + i + 0.5) * scale;
    // C's (int) cast truncates toward zero.
    let xmin = Math.trunc(center - support + 0.5);
    if (xmin < 0) xmin = 0;
    let xmax = Math.trunc(center + support + 0.5);
    if (xmax > inSize) xmax = inSize;
    const n = xmax - xmin;
    let ww = 0;
    for (let x = 0; x < n; x++) {
      const w = bicubicFilter((x + xmin - center + 0.5) * ss);
      k[x] = w;
      ww += w;
    }
    const o = i * ksize;
    for (let x = 0; x < n; x++) {
      const w = ww !== 0 ? k[x]! / ww : k[x]!;
      weights[o + x] = Math.trunc(w < 0 ? -0.5 + w * ONE : 0.5 + w * ONE);
    }
    bounds[2 * i] = xmin;
    bounds[2 * i + 1] = n;
  }
  return { start, count, ksize, bounds, weights };
}

export interface CropRect {
  x: number;
  y: number;
  width: number;
  height: number;
}

/**
 * `Image.resize((outWidth, outHeight), BICUBIC)` followed by `.crop(crop)`, computing only the
 * cropped pixels. Transparent images go through PIL's premultiplied "RGBa" round trip; for an
 * opaque image only R, G, B are resampled and alpha is 255.
 */
export function resizeBicubic(img: RgbaImage, outWidth: number, outHeight: number, crop?: CropRect): RgbaImage {
  assertRgbaImage(img);
  if (!Number.isInteger(outWidth) || !Number.isInteger(outHeight) || outWidth < 1 || outHeight < 1) {
    throw new RangeError(`output size must be positive integers, got ${outWidth}x${outHeight}`);
  }
  const c = crop ?? { x: 0, y: 0, width: outWidth, height: outHeight };
  if (
    !Number.isInteger(c.x) ||
    !Number.isInteger(c.y) ||
    !Number.isInteger(c.width) ||
    !Number.isInteger(c.height) ||
    c.x < 0 ||
    c.y < 0 ||
    c.width < 1 ||
    c.height < 1 ||
    c.x + c.width > outWidth ||
    c.y + c.height > outHeight
  ) {
    throw new RangeError(`crop ${c.x},${c.y} ${c.width}x${c.height} is not inside ${outWidth}x${outHeight}`);
  }
  const { width: inW, height: inH } = img;
  const src = new Uint8Array(img.data.buffer, img.data.byteOffset, inW * inH * 4);
  const out = new Uint8ClampedArray(c.width * c.height * 4);
  const needH = outWidth !== inW;
  const needV = outHeight !== inH;

  if (!needH && !needV) {
    // PIL returns a copy: no premultiplication round trip.
    for (let y = 0; y < c.height; y++) {
      const s = ((c.y + y) * inW + c.x) * 4;
      out.set(src.subarray(s, s + c.width * 4), y * c.width * 4);
    }
    return { width: c.width, height: c.height, data: out };
  }

  const withAlpha = !isOpaque(img);
  const pixels = pixelWords(withAlpha ? premultiply(src) : src, inW * inH);
  const hc = needH ? precomputeCoeffs(inW, outWidth, c.x, c.width) : undefined;
  const vc = needV ? precomputeCoeffs(inH, outHeight, c.y, c.height) : undefined;

  if (hc && vc) {
    // Only the input rows that the cropped output rows read.
    const first = vc.bounds[0]!;
    const lastOut = 2 * (vc.count - 1);
    const end = vc.bounds[lastOut]! + vc.bounds[lastOut + 1]!;
    const tmp = new Uint8ClampedArray(c.width * (end - first) * 4);
    horizontalPass(pixels, inW, first, end - first, hc, tmp, withAlpha);
    verticalPass(pixelWords(tmp, tmp.length / 4), c.width, 0, first, vc, c.width, out, withAlpha);
  } else if (hc) {
    horizontalPass(pixels, inW, c.y, c.height, hc, out, withAlpha);
  } else if (vc) {
    verticalPass(pixels, inW, c.x, 0, vc, c.width, out, withAlpha);
  }
  if (withAlpha) unpremultiply(out);
  return { width: c.width, height: c.height, data: out };
}

/** The pixels as an Int32Array view (copied only when the bytes are not 4-byte aligned). */
function pixelWords(bytes: Uint8Array | Uint8ClampedArray, pixels: number): Int32Array {
  if (bytes.byteOffset % 4 === 0) return new Int32Array(bytes.buffer, bytes.byteOffset, pixels);
  return new Int32Array(Uint8Array.from(bytes.subarray(0, pixels * 4)).buffer);
}

/** ImagingResampleHorizontal_8bpc: `rows` rows from `rowStart`, coeffs.count output pixels each. */
function horizontalPass(
  src: Int32Array,
  srcWidth: number,
  rowStart: number,
  rows: number,
  coeffs: ResampleCoeffs,
  dst: Uint8ClampedArray,
  withAlpha: boolean,
): void {
  const { count, ksize, bounds, weights } = coeffs;
  let o = 0;
  for (let y = 0; y < rows; y++) {
    const rowOff = (rowStart + y) * srcWidth;
    for (let j = 0; j < count; j++) {
      let p = rowOff + bounds[2 * j]!;
      const k0 = j * ksize;
      const k1 = k0 + bounds[2 * j + 1]!;
      let r = HALF,
        g = HALF,
        b = HALF;
      if (withAlpha) {
        let a = HALF;
        for (let k = k0; k < k1; k++, p++) {
          const w = weights[k]!;
          const v = src[p]!;
          r += ((v >> SR) & 255) * w;
          g += ((v >> SG) & 255) * w;
          b += ((v >> SB) & 255) * w;
          a += ((v >> SA) & 255) * w;
        }
        dst[o + 3] = a >> PRECISION_BITS;
      } else {
        for (let k = k0; k < k1; k++, p++) {
          const w = weights[k]!;
          const v = src[p]!;
          r += ((v >> SR) & 255) * w;
          g += ((v >> SG) & 255) * w;
          b += ((v >> SB) & 255) * w;
        }
        dst[o + 3] = 255;
      }
      // Sums stay below 2^31, so `>>` then the clamped store is PIL's clip8.
      dst[o] = r >> PRECISION_BITS;
      dst[o + 1] = g >> PRECISION_BITS;
      dst[o + 2] = b >> PRECISION_BITS;
      o += 4;
    }
  }
}

/** ImagingResampleVertical_8bpc: `src` holds rows from `rowShift` on, `srcWidth` pixels each. */
function verticalPass(
  src: Int32Array,
  srcWidth: number,
  colStart: number,
  rowShift: number,
  coeffs: ResampleCoeffs,
  cols: number,
  dst: Uint8ClampedArray,
  withAlpha: boolean,
): void {
  const { count, ksize, bounds, weights } = coeffs;
  let o = 0;
  for (let i = 0; i < count; i++) {
    const k0 = i * ksize;
    const k1 = k0 + bounds[2 * i + 1]!;
    const base = (bounds[2 * i]! - rowShift) * srcWidth + colStart;
    for (let x = 0; x < cols; x++) {
      let p = base + x;
      let r = HALF,
        g = HALF,
        b = HALF;
      if (withAlpha) {
        let a = HALF;
        for (let k = k0; k < k1; k++, p += srcWidth) {
          const w = weights[k]!;
          const v = src[p]!;
          r += ((v >> SR) & 255) * w;
          g += ((v >> SG) & 255) * w;
          b += ((v >> SB) & 255) * w;
          a += ((v >> SA) & 255) * w;
        }
        dst[o + 3] = a >> PRECISION_BITS;
      } else {
        for (let k = k0; k < k1; k++, p += srcWidth) {
          const w = weights[k]!;
          const v = src[p]!;
          r += ((v >> SR) & 255) * w;
          g += ((v >> SG) & 255) * w;
          b += ((v >> SB) & 255) * w;
        }
        dst[o + 3] = 255;
      }
      dst[o] = r >> PRECISION_BITS;
      dst[o + 1] = g >> PRECISION_BITS;
      dst[o + 2] = b >> PRECISION_BITS;
      o += 4;
    }
  }
}

/** PIL's RGBA -> RGBa (rgbA2rgba): c * a / 255 rounded with MULDIV255. */
export function premultiply(src: Uint8Array | Uint8ClampedArray): Uint8Array {
  const dst = new Uint8Array(src.length);
  for (let i = 0; i < src.length; i += 4) {
    const a = src[i + 3]!;
    let t = src[i]! * a + 128;
    dst[i] = ((t >> 8) + t) >> 8;
    t = src[i + 1]! * a + 128;
    dst[i + 1] = ((t >> 8) + t) >> 8;
    t = src[i + 2]! * a + 128;
    dst[i + 2] = ((t >> 8) + t) >> 8;
    dst[i + 3] = a;
  }
  return dst;
}

/** PIL's RGBa -> RGBA (rgba2rgbA), in place: integer division, clamped to 255. */
export function unpremultiply(d: Uint8ClampedArray): void {
  for (let i = 0; i < d.length; i += 4) {
    const a = d[i + 3]!;
    if (a === 255 || a === 0) continue;
    d[i] = ((255 * d[i]!) / a) | 0;
    d[i + 1] = ((255 * d[i + 1]!) / a) | 0;
    d[i + 2] = ((255 * d[i + 2]!) / a) | 0;
  }
}

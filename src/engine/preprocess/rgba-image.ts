/** 8-bit RGBA pixels, row-major, upright (EXIF orientation already applied), not premultiplied. */
export interface RgbaImage {
  width: number;
  height: number;
  /** width * height * 4 bytes: R, G, B, A per pixel. */
  data: Uint8Array | Uint8ClampedArray;
}

export function assertRgbaImage(img: RgbaImage): void {
  const { width, height, data } = img;
  if (!Number.isInteger(width) || !Number.isInteger(height) || width < 1 || height < 1) {
    throw new RangeError(`image size must be positive integers, got ${width}x${height}`);
  }
  if (data.length < width * height * 4) {
    throw new RangeError(`image data holds ${data.length} bytes, ${width}x${height} RGBA needs ${width * height * 4}`);
  }
}

const ALPHA_MASK = new Uint8Array(Uint32Array.of(1).buffer)[0] === 1 ? 0xff000000 | 0 : 0xff;

/** True when every alpha byte is 255. */
export function isOpaque(img: RgbaImage): boolean {
  const d = img.data;
  const n = img.width * img.height;
  if (d.byteOffset % 4 !== 0) {
    for (let i = 3; i < n * 4; i += 4) if (d[i] !== 255) return false;
    return true;
  }
  // AND of all pixels as words: alpha bits survive only if every alpha is 255.
  const words = new Int32Array(d.buffer, d.byteOffset, n);
  let all = -1;
  for (let i = 0; i < n; i++) all &= words[i]!;
  return (all & ALPHA_MASK) === ALPHA_MASK;
}

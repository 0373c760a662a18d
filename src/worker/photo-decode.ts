import { checkComplete, FORMAT_NAMES, otherImageFormat, readImageHeader, type ImageFormat } from '../engine/preprocess/image-size';
import { orient } from '../engine/preprocess/orient';
import { REASON_EMPTY, REASON_HEIC } from '../library/classify';
import type { RgbaImage } from '../engine/preprocess/rgba-image';

export const THUMBNAIL_SIZE = 320;

export interface Thumbnail {
  blob: Blob;
  width: number;
  height: number;
}

export interface DecodedPhoto {
  image: RgbaImage;
  /** Null when not asked for. */
  thumbnail: Thumbnail | null;
}

/** Pixels of a larger image than this are not decoded (a header can claim anything). */
export const MAX_PIXELS = 100_000_000;

export const REASON_TRUNCATED = 'damaged (truncated)';
export const REASON_NOT_IMAGE = 'not an image (the content is not JPEG, PNG, GIF, WebP, AVIF or BMP)';

const tooLarge = (width: number, height: number) => `too large to decode (${width} x ${height} pixels)`;

/**
 * Refuses, from the bytes alone and before any decoder sees them, what would fail or should not
 * be decoded: content in no image format a browser decodes (whatever the file's name),
 * HEIC under another name, a header claiming more than MAX_PIXELS, a truncated PNG or JPEG
 * (PIL, the official pipeline, refuses those; Chromium would decode them with a grey bottom),
 * a header no decoder accepts. Throws an Error whose message is the reason shown to the user.
 */
export function checkPhotoBytes(bytes: Uint8Array): { format: ImageFormat; width: number | null; height: number | null } {
  if (bytes.length === 0) throw new Error(REASON_EMPTY);
  const header = readImageHeader(bytes);
  if (header.kind === 'unknown') {
    const other = otherImageFormat(bytes);
    throw new Error(other ? `image format not decoded by browsers (${other}) — export it as JPEG or PNG` : REASON_NOT_IMAGE);
  }
  if (header.format === 'heic') throw new Error(REASON_HEIC);
  if (header.kind === 'truncated') throw new Error(REASON_TRUNCATED);
  if (header.kind === 'corrupt') throw new Error(`damaged (${header.detail})`);
  const { format, width, height } = header;
  if (width !== null && height !== null && width * height > MAX_PIXELS) throw new Error(tooLarge(width, height));
  const whole = checkComplete(bytes, format);
  if (whole.kind === 'truncated') throw new Error(REASON_TRUNCATED);
  if (whole.kind === 'corrupt') throw new Error(`damaged (${whole.detail})`);
  return { format, width, height };
}

/**
 * Checks the bytes (checkPhotoBytes), then decodes with the browser's own decoders into
 * upright, unpremultiplied RGBA (the engine's preprocessing input), and makes a thumbnail for
 * browsing from the same bitmap.
 * - The bitmap's pixels are read through a VideoFrame: the same bytes as drawing it on a
 *   canvas and calling getImageData (e2e/decode.spec.ts), in half the time for 12 megapixels.
 * - createImageBitmap's default imageOrientation applies the EXIF orientation exactly once.
 * - colorSpaceConversion 'none': the official pipeline (PIL) ignores ICC profiles.
 * - premultiplyAlpha 'none': premultiplying and back would lose precision at low alpha.
 */
export async function decodePhoto(blob: Blob, withThumbnail = true): Promise<DecodedPhoto> {
  const { format } = checkPhotoBytes(new Uint8Array(await blob.arrayBuffer()));
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`could not be decoded (a damaged ${FORMAT_NAMES[format]}, or one this browser does not support)`);
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) throw new Error(tooLarge(width, height));
    const image = await readPixels(bitmap);
    if (!withThumbnail) return { image, thumbnail: null };
    const scale = Math.min(1, THUMBNAIL_SIZE / Math.max(width, height));
    const tw = Math.max(1, Math.round(width * scale));
    const th = Math.max(1, Math.round(height * scale));
    const thumb = new OffscreenCanvas(tw, th);
    const tctx = thumb.getContext('2d');
    if (!tctx) throw new Error('no 2D canvas for the thumbnail');
    tctx.imageSmoothingQuality = 'high';
    tctx.drawImage(bitmap, 0, 0, tw, th);
    const blob = await thumb.convertToBlob({ type: 'image/webp', quality: 0.8 });
    return { image, thumbnail: { blob, width: tw, height: th } };
  } finally {
    bitmap.close();
  }
}

/** An ImageBitmap's RGBA bytes: copied out of a VideoFrame where WebCodecs exists, else through a canvas. */
export async function readPixels(bitmap: ImageBitmap, via: 'video-frame' | 'canvas' = 'video-frame'): Promise<RgbaImage> {
  const { width, height } = bitmap;
  if (via === 'video-frame' && typeof VideoFrame !== 'undefined') {
    // An EXIF-oriented bitmap becomes a frame of the stored pixels plus rotation and flip.
    const frame: VideoFrame & { rotation?: number; flip?: boolean } = new VideoFrame(bitmap, { timestamp: 0, alpha: 'keep' });
    try {
      const { codedWidth: cw, codedHeight: ch } = frame;
      const rotation = frame.rotation ?? 0;
      if (rotation === 0 || rotation === 90 || rotation === 180 || rotation === 270) {
        const data = new Uint8Array(cw * ch * 4);
        await frame.copyTo(data, { format: 'RGBA', colorSpace: 'srgb', rect: { x: 0, y: 0, width: cw, height: ch } });
        const image = orient({ width: cw, height: ch, data }, rotation, frame.flip ?? false);
        if (image.width === width && image.height === height) return image;
      }
    } finally {
      frame.close();
    }
  }
  // No WebCodecs, or a frame this code does not understand.
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
  if (!ctx) throw new Error('no 2D canvas to read pixels');
  ctx.drawImage(bitmap, 0, 0);
  return { width, height, data: ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' }).data };
}

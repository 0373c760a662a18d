import { orient } from '../engine/preprocess/orient';
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
const MAX_PIXELS = 100_000_000;

/**
 * Decodes with the browser's own decoders into upright, unpremultiplied RGBA (the engine's
 * preprocessing input), and makes a thumbnail for browsing from the same bitmap.
 * - The bitmap's pixels are read through a VideoFrame: the same bytes as drawing it on a
 *   canvas and calling getImageData (e2e/decode.spec.ts), in half the time for 12 megapixels.
 * - createImageBitmap's default imageOrientation applies the EXIF orientation exactly once.
 * - colorSpaceConversion 'none': the official pipeline (PIL) ignores ICC profiles.
 * - premultiplyAlpha 'none': premultiplying and back would lose precision at low alpha.
 */
export async function decodePhoto(blob: Blob, withThumbnail = true): Promise<DecodedPhoto> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(blob.size === 0 ? 'empty file' : 'not an image this browser can decode (damaged, or an unsupported format)');
  }
  try {
    const { width, height } = bitmap;
    if (width * height > MAX_PIXELS) throw new Error(`too large to decode (${width} x ${height} pixels)`);
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

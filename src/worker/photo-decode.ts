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
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
    if (!ctx) throw new Error('no 2D canvas to read pixels');
    ctx.drawImage(bitmap, 0, 0);
    const image = { width, height, data: ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' }).data };
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

// The browser's photo decoder for the image embedder: Chromium's own decoders (the same
// libjpeg-turbo as PIL) through createImageBitmap, pixels read through a VideoFrame, and the
// thumbnail drawn from the same bitmap.
import type { DecodedPhoto, PhotoDecoder } from '../engine/embed/image-embedder';
import { sniffFormat } from '../engine/preprocess/image-size';
import { orient } from '../engine/preprocess/orient';
import { checkDecodedSize } from '../engine/preprocess/photo-check';
import type { RgbaImage } from '../engine/preprocess/rgba-image';
import { notDecodable } from '../engine/preprocess/skip-reasons';
import { THUMBNAIL_QUALITY, THUMBNAIL_TYPE, thumbnailSize, type Thumbnail } from '../engine/preprocess/thumbnail';

/** A thumbnail as the worker stores it. */
export type BlobThumbnail = Thumbnail<Blob>;

/**
 * Decodes with the browser's own decoders into upright, unpremultiplied RGBA (the engine's
 * preprocessing input), and makes a thumbnail for browsing from the same bitmap.
 * - The bitmap's pixels are read through a VideoFrame: the same bytes as drawing it on a
 *   canvas and calling getImageData (e2e/decode.spec.ts), in half the time for 12 megapixels.
 * - createImageBitmap's default imageOrientation applies the EXIF orientation exactly once.
 * - colorSpaceConversion 'none': the official pipeline (PIL) ignores ICC profiles.
 * - premultiplyAlpha 'none': premultiplying and back would lose precision at low alpha.
 */
export const browserPhotoDecoder: PhotoDecoder<BlobThumbnail> = {
  async decode(bytes, type, withThumbnail): Promise<DecodedPhoto<BlobThumbnail>> {
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    } catch {
      throw new Error(notDecodable(sniffFormat(bytes)));
    }
    try {
      checkDecodedSize(bitmap.width, bitmap.height);
      const image = await readPixels(bitmap);
      return { image, thumbnail: withThumbnail ? await thumbnailOf(bitmap) : null };
    } finally {
      bitmap.close();
    }
  },
};

async function thumbnailOf(bitmap: ImageBitmap): Promise<BlobThumbnail> {
  const { width, height } = thumbnailSize(bitmap.width, bitmap.height);
  const canvas = new OffscreenCanvas(width, height);
  const ctx = canvas.getContext('2d');
  if (!ctx) throw new Error('no 2D canvas for the thumbnail');
  ctx.imageSmoothingQuality = 'high';
  ctx.drawImage(bitmap, 0, 0, width, height);
  const data = await canvas.convertToBlob({ type: THUMBNAIL_TYPE, quality: THUMBNAIL_QUALITY });
  return { data, type: data.type || THUMBNAIL_TYPE, width, height };
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

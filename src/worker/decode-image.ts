import type { RgbaImage } from '../engine/preprocess/rgba-image';

/**
 * Decodes an image file to upright, unpremultiplied RGBA with the browser's own decoders
 * (libjpeg-turbo, libpng, ...), in a page or a worker.
 * - createImageBitmap's default imageOrientation applies the EXIF orientation exactly once.
 * - colorSpaceConversion 'none': the official pipeline (PIL) ignores ICC profiles.
 * - premultiplyAlpha 'none': premultiplying and back would lose precision at low alpha.
 */
export async function decodeImageBlob(blob: Blob): Promise<RgbaImage> {
  let bitmap: ImageBitmap;
  try {
    bitmap = await createImageBitmap(blob, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
  } catch {
    throw new Error(`${(blob as Partial<File>).name ?? 'image'}: not an image this browser can decode`);
  }
  try {
    const { width, height } = bitmap;
    const canvas = new OffscreenCanvas(width, height);
    const ctx = canvas.getContext('2d', { willReadFrequently: true, colorSpace: 'srgb' });
    if (!ctx) throw new Error('no 2D canvas context');
    ctx.drawImage(bitmap, 0, 0);
    const data = ctx.getImageData(0, 0, width, height, { colorSpace: 'srgb' }).data;
    return { width, height, data };
  } finally {
    bitmap.close();
  }
}

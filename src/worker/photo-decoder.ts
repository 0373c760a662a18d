// The browser's photo decoder for the image embedder: large JPEGs at a reduced DCT scale
// (engine/preprocess/scaled-jpeg.ts), HEIC with libheif (engine/preprocess/heif-decode.ts),
// everything else with Chromium's own decoders (the same libjpeg-turbo as PIL) through
// createImageBitmap, pixels read through a VideoFrame; the thumbnail drawn from the same pixels.
// oxlint-disable-next-line import/extensions -- the package's .wasm export, as a URL Vite serves and fingerprints
import magickWasmUrl from '@imagemagick/magick-wasm/magick.wasm?url';
import type { DecodedPhoto, PhotoDecoder } from '../engine/embed/image-embedder';
import { sniffFormat } from '../engine/preprocess/image-size';
import { orient } from '../engine/preprocess/orient';
import { decodeHeif } from '../engine/preprocess/heif-decode';
import { decodeReducedJpeg } from '../engine/preprocess/scaled-jpeg';
import { checkDecodedSize } from '../engine/preprocess/photo-check';
import type { RgbaImage } from '../engine/preprocess/rgba-image';
import { notDecodable } from '../engine/preprocess/skip-reasons';
import { THUMBNAIL_QUALITY, THUMBNAIL_TYPE, thumbnailSize, type Thumbnail } from '../engine/preprocess/thumbnail';

/** A thumbnail as the worker stores it. */
export type BlobThumbnail = Thumbnail<Blob>;

/**
 * Decodes into upright, unpremultiplied RGBA (the engine's preprocessing input), and makes a
 * thumbnail for browsing from the same pixels. HEIC goes through libheif; large JPEGs through the
 * reduced-scale decoder when asked (DecodeRequest.resolution); the rest, and what it leaves (CMYK), through the browser:
 * - The bitmap's pixels are read through a VideoFrame: the same bytes as drawing it on a
 *   canvas and calling getImageData (e2e/decode.spec.ts), in half the time for 12 megapixels.
 * - createImageBitmap's default imageOrientation applies the EXIF orientation exactly once.
 * - colorSpaceConversion 'none': the official pipeline (PIL) ignores ICC profiles.
 * - premultiplyAlpha 'none': premultiplying and back would lose precision at low alpha.
 */
export const browserPhotoDecoder: PhotoDecoder<BlobThumbnail> = {
  async decode(bytes, type, { withThumbnail, resolution }): Promise<DecodedPhoto<BlobThumbnail>> {
    const magickWasm = () => new URL(magickWasmUrl, self.location.href);
    if (sniffFormat(bytes) === 'heic') {
      const image = await decodeHeif(bytes, magickWasm);
      return { image, width: image.width, height: image.height, thumbnail: withThumbnail ? await thumbnailOfPixels(image) : null };
    }
    const reduced = await decodeReducedJpeg(bytes, resolution, magickWasm);
    if (reduced) return { ...reduced, thumbnail: withThumbnail ? await thumbnailOfPixels(reduced.image) : null };
    let bitmap: ImageBitmap;
    try {
      bitmap = await createImageBitmap(new Blob([bytes as Uint8Array<ArrayBuffer>], { type }), { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    } catch {
      throw new Error(notDecodable(sniffFormat(bytes)));
    }
    try {
      checkDecodedSize(bitmap.width, bitmap.height);
      const image = await readPixels(bitmap);
      return { image, width: bitmap.width, height: bitmap.height, thumbnail: withThumbnail ? await thumbnailOf(bitmap) : null };
    } finally {
      bitmap.close();
    }
  },
};

/** The library's thumbnail of decoded pixels (a HEIC photo, a video frame). */
export async function thumbnailOfPixels(image: RgbaImage): Promise<BlobThumbnail> {
  const data = new ImageData(new Uint8ClampedArray(image.data.buffer as ArrayBuffer, image.data.byteOffset, image.data.length), image.width, image.height);
  const bitmap = await createImageBitmap(data, { premultiplyAlpha: 'none', colorSpaceConversion: 'none' });
  try {
    return await thumbnailOf(bitmap);
  } finally {
    bitmap.close();
  }
}

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

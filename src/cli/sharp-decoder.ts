// The Node photo decoder for the image embedder: large JPEGs at a reduced DCT scale
// (engine/preprocess/scaled-jpeg.ts, as in the browser), HEIC with libheif as in the browser
// (engine/preprocess/heif-decode.ts: sharp's prebuilt libvips has no HEVC decoder), everything else with sharp (libvips,
// with a libjpeg-turbo JPEG decoder like PIL's), for the CLI, the Node tests and the benchmarks.
import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { availableParallelism } from 'node:os';
import sharp from 'sharp';
import type { PhotoDecoder } from '../engine/embed/image-embedder';
import type { RgbaImage } from '../engine/preprocess/rgba-image';
import { decodeHeif } from '../engine/preprocess/heif-decode';
import { sniffFormat } from '../engine/preprocess/image-size';
import { decodeReducedJpeg } from '../engine/preprocess/scaled-jpeg';
import { THUMBNAIL_QUALITY, THUMBNAIL_TYPE, thumbnailSize, type Thumbnail } from '../engine/preprocess/thumbnail';

export type BytesThumbnail = Thumbnail<Uint8Array>;

/** Photos read and decoded at once, ahead of the encoder: sharp decodes on its own threads. */
export const DECODE_AHEAD = Math.min(8, availableParallelism());

/**
 * Decodes to upright 8-bit RGBA, as PIL would see the file: EXIF orientation applied once, grey
 * expanded to R = G = B, alpha 255 where the file has none, and no ICC colour conversion (PIL
 * ignores embedded profiles). The thumbnail is the app's (preprocess/thumbnail.ts).
 */
/** ImageMagick's module (reduced-scale JPEG, HEIC), read from the package when a first photo needs it. */
const magickWasm = () => readFile(createRequire(import.meta.url).resolve('@imagemagick/magick-wasm/magick.wasm'));

export const sharpPhotoDecoder: PhotoDecoder<BytesThumbnail> = {
  async decode(bytes, _type, { withThumbnail, resolution }) {
    if (sniffFormat(bytes) === 'heic') {
      const image = await decodeHeif(bytes, magickWasm);
      return { image, width: image.width, height: image.height, thumbnail: withThumbnail ? await thumbnailOf(image) : null };
    }
    const reduced = await decodeReducedJpeg(bytes, resolution, magickWasm);
    const image = reduced?.image ?? (await decodeRgba(bytes));
    return { image, width: reduced?.width ?? image.width, height: reduced?.height ?? image.height, thumbnail: withThumbnail ? await thumbnailOf(image) : null };
  },
};

async function decodeRgba(bytes: Uint8Array): Promise<RgbaImage> {
  try {
    const { data, info } = await sharp(bytes, { ignoreIcc: true, failOn: 'error' })
      .rotate()
      .toColourspace('srgb')
      .ensureAlpha()
      .raw({ depth: 'uchar' })
      .toBuffer({ resolveWithObject: true });
    if (info.channels !== 4 || data.length !== info.width * info.height * 4) {
      throw new Error(`decoder returned ${info.channels} channels, ${data.length} bytes`);
    }
    return { width: info.width, height: info.height, data: new Uint8Array(data.buffer, data.byteOffset, data.length) };
  } catch (err) {
    throw new Error(`not a decodable image (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}

/** The app's thumbnail of an upright image (a photo, a video frame): fitted in 320 px, WebP. */
export async function thumbnailOf(image: RgbaImage): Promise<BytesThumbnail> {
  const { width, height } = thumbnailSize(image.width, image.height);
  const bytes = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
    .resize(width, height, { fit: 'fill' })
    .webp({ quality: Math.round(THUMBNAIL_QUALITY * 100) })
    .toBuffer();
  return { data: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), type: THUMBNAIL_TYPE, width, height };
}

/** Decodes an image file (tests, benchmarks); an error names the file. */
export async function decodeImageFile(path: string): Promise<RgbaImage> {
  try {
    return (await sharpPhotoDecoder.decode(await readFile(path), '', { withThumbnail: false, resolution: 0 })).image;
  } catch (e) {
    throw new Error(`${path}: ${(e as Error).message}`, { cause: e });
  }
}

// Node image decoder for the CLI and tests: sharp (libvips, libjpeg-turbo-compatible JPEG decoder).
import { readFile } from 'node:fs/promises';
import sharp from 'sharp';
import type { RgbaImage } from '../engine/preprocess/rgba-image';

/**
 * Decodes an image file to upright 8-bit RGBA, as PIL would see it: EXIF orientation applied
 * once, grey expanded to R = G = B, alpha 255 where the file has none, and no ICC colour
 * conversion (PIL ignores embedded profiles).
 */
export async function decodeImageFile(path: string): Promise<RgbaImage> {
  const bytes = await readFile(path);
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
    throw new Error(`${path}: not a decodable image (${err instanceof Error ? err.message : String(err)})`, { cause: err });
  }
}

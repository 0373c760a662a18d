// HEIC/HEIF photos, the iPhone camera's format: neither Chromium nor Firefox decodes them, nor
// does sharp's prebuilt libvips (no HEVC decoder), so they go through libheif with libde265 in
// ImageMagick's WebAssembly build, the module that also decodes large JPEGs at a reduced scale.
import { ImageMagick, MagickFormat, MagickReadSettings } from '@imagemagick/magick-wasm';
import { initMagick, type MagickWasm } from './magick';
import { checkDecodedSize } from './photo-check';
import type { RgbaImage } from './rgba-image';
import { notDecodable, REASON_HEIC_DECODER } from './skip-reasons';

/**
 * Decodes a HEIC/HEIF still (its primary image) into upright 8-bit RGBA. libheif applies the
 * file's own transform boxes (irot, imir, clap) as it decodes, which is what rules in HEIF:
 * the EXIF orientation that iPhones also write describes the same turn, so it is not applied
 * again (ImageMagick's autoOrient is not called). No ICC conversion, as for every other photo.
 * Throws an Error whose message is the reason shown to the user.
 */
export async function decodeHeif(bytes: Uint8Array, wasm: MagickWasm): Promise<RgbaImage> {
  try {
    await initMagick(wasm);
  } catch {
    throw new Error(REASON_HEIC_DECODER);
  }
  try {
    return ImageMagick.read(bytes, new MagickReadSettings({ format: MagickFormat.Heic }), (img) => {
      checkDecodedSize(img.width, img.height);
      const data = img.getPixels((p) => p.toByteArray(0, 0, img.width, img.height, 'RGBA'));
      if (!data || data.length !== img.width * img.height * 4) throw new Error('no pixels');
      return { width: img.width, height: img.height, data };
    });
  } catch (e) {
    if (e instanceof Error && e.message.startsWith('too large')) throw e;
    throw new Error(notDecodable('heic'), { cause: e });
  }
}

// Large JPEGs decoded at a reduced size by libjpeg-turbo's DCT scaling (1/2, 1/4, 1/8), through
// ImageMagick's WebAssembly build: far less to decode and to resize than the full 12 megapixels.
// At scale 1 its pixels are the bytes PIL and Chromium decode (the same libjpeg-turbo defaults).
import { ColorSpace, ImageMagick, MagickFormat, MagickReadSettings } from '@imagemagick/magick-wasm';
import { readImageHeader } from './image-size';
import { initMagick, magickStarted, type MagickWasm } from './magick';
import { jpegScaleFor, scaledSide, type JpegScale } from './jpeg-scale';
import type { RgbaImage } from './rgba-image';

/**
 * A photo's pixels from the reduced-scale decode, when it is a JPEG that the scale for
 * `resolution` shrinks; null otherwise, or where the decoder cannot load or leaves the photo
 * (the caller then decodes at full size).
 */
export async function decodeReducedJpeg(bytes: Uint8Array, resolution: number, wasm: MagickWasm): Promise<ReducedPhoto | null> {
  const jpeg = reducibleJpeg(bytes, resolution);
  if (!jpeg) return null;
  try {
    await initMagick(wasm);
  } catch {
    return null;
  }
  return decodeScaledJpeg(bytes, jpeg.width, jpeg.height, jpeg.scale);
}

/** A JPEG that the DCT scale for `resolution` shrinks: its SOF size and that scale; null for anything else. */
export function reducibleJpeg(bytes: Uint8Array, resolution: number): { width: number; height: number; scale: JpegScale } | null {
  if (resolution <= 0) return null;
  const header = readImageHeader(bytes);
  if (header.kind !== 'image' || header.format !== 'jpeg' || header.width === null || header.height === null) return null;
  const scale = jpegScaleFor(header.width, header.height, resolution);
  return scale > 1 ? { width: header.width, height: header.height, scale } : null;
}

/** A photo decoded smaller than it is: the pixels, and the photo's own upright size. */
export interface ReducedPhoto {
  image: RgbaImage;
  width: number;
  height: number;
}

/**
 * Decodes a JPEG of `width` x `height` (its SOF size, before EXIF orientation) at 1/scale into
 * upright RGBA, EXIF orientation applied once and no ICC conversion, as PIL sees the file.
 * Returns null for what this path leaves to the full decoder: a CMYK or YCCK JPEG, or an output
 * size other than libjpeg's (the caller then decodes at full size, which also names any damage).
 */
export function decodeScaledJpeg(bytes: Uint8Array, width: number, height: number, scale: JpegScale): ReducedPhoto | null {
  if (!magickStarted()) throw new Error('initMagick first');
  const settings = new MagickReadSettings({ format: MagickFormat.Jpeg });
  settings.setDefine(MagickFormat.Jpeg, 'dct-method', 'islow'); // libjpeg's default, which PIL uses; ImageMagick's own is float
  if (scale > 1) settings.setDefine(MagickFormat.Jpeg, 'size', `${scaledSide(width, scale)}x${scaledSide(height, scale)}`);
  try {
    return ImageMagick.read(bytes, settings, (img) => {
      if (img.colorSpace !== ColorSpace.sRGB && img.colorSpace !== ColorSpace.Gray) return null;
      if (img.width !== scaledSide(width, scale) || img.height !== scaledSide(height, scale)) return null;
      img.autoOrient();
      const turned = img.width !== scaledSide(width, scale);
      const data = img.getPixels((p) => p.toByteArray(0, 0, img.width, img.height, 'RGBA'));
      if (!data) return null;
      return { image: { width: img.width, height: img.height, data }, width: turned ? height : width, height: turned ? width : height };
    });
  } catch {
    return null;
  }
}

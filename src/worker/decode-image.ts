import type { RgbaImage } from '../engine/preprocess/rgba-image';
import { decodePhoto } from './photo-decode';

/** Decodes an image file to upright, unpremultiplied RGBA with the browser's decoders (page or worker). */
export async function decodeImageBlob(blob: Blob): Promise<RgbaImage> {
  return (await decodePhoto(blob, false)).image;
}

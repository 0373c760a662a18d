import sharp from 'sharp';
import type { RgbaImage } from '../engine/preprocess/rgba-image';
import { THUMBNAIL_SIZE } from '../worker/photo-decode';

export interface NodeThumbnail {
  bytes: Uint8Array;
  type: 'image/webp';
  width: number;
  height: number;
}

/** The app's thumbnail (src/worker/photo-decode.ts): the upright image fitted in 320 px, WebP at quality 0.8. */
export async function makeThumbnail(image: RgbaImage): Promise<NodeThumbnail> {
  const scale = Math.min(1, THUMBNAIL_SIZE / Math.max(image.width, image.height));
  const width = Math.max(1, Math.round(image.width * scale));
  const height = Math.max(1, Math.round(image.height * scale));
  const bytes = await sharp(image.data, { raw: { width: image.width, height: image.height, channels: 4 } })
    .resize(width, height, { fit: 'fill' })
    .webp({ quality: 80 })
    .toBuffer();
  return { bytes: new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.length), type: 'image/webp', width, height };
}

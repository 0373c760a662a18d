// The library's thumbnails: the upright photo fitted in 320 px, WebP at quality 0.8, made by the
// browser decoder (a canvas) and by the Node one (sharp) alike.

/** The longer side of a thumbnail, in pixels. */
export const THUMBNAIL_SIZE = 320;
export const THUMBNAIL_TYPE = 'image/webp';
export const THUMBNAIL_QUALITY = 0.8;

/** A thumbnail's bytes (a Blob in the browser, bytes in Node) and what they show. */
export interface Thumbnail<D = Blob | Uint8Array> {
  data: D;
  type: string;
  width: number;
  height: number;
}

/** A photo's thumbnail size: fitted in THUMBNAIL_SIZE, never enlarged, at least 1 x 1. */
export function thumbnailSize(width: number, height: number): { width: number; height: number } {
  const scale = Math.min(1, THUMBNAIL_SIZE / Math.max(width, height));
  return { width: Math.max(1, Math.round(width * scale)), height: Math.max(1, Math.round(height * scale)) };
}

// An RGBA image turned upright by a frame's orientation: rotated clockwise, then mirrored.
import { assertRgbaImage, type RgbaImage } from './rgba-image';

export type Rotation = 0 | 90 | 180 | 270;

/**
 * Applies a frame's orientation as WebCodecs' VideoFrame carries it (a JPEG's EXIF
 * orientation ends up there): rotate clockwise by `rotation`, then mirror horizontally when
 * `flip`. Returns the input itself when there is nothing to do.
 */
export function orient(img: RgbaImage, rotation: Rotation, flip: boolean): RgbaImage {
  assertRgbaImage(img);
  if (rotation === 0 && !flip) return img;
  const { width: w, height: h } = img;
  const bytes = img.data.byteOffset % 4 ? img.data.slice() : img.data;
  const src = new Uint32Array(bytes.buffer, bytes.byteOffset, w * h);
  const turned = rotation === 90 || rotation === 270;
  const dw = turned ? h : w;
  const dh = turned ? w : h;
  const out = new Uint8Array(dw * dh * 4);
  const dst = new Uint32Array(out.buffer);
  for (let dy = 0; dy < dh; dy++) {
    for (let dx = 0; dx < dw; dx++) {
      const rx = flip ? dw - 1 - dx : dx;
      let sx: number;
      let sy: number;
      if (rotation === 0) [sx, sy] = [rx, dy];
      else if (rotation === 90) [sx, sy] = [dy, h - 1 - rx];
      else if (rotation === 180) [sx, sy] = [w - 1 - rx, h - 1 - dy];
      else [sx, sy] = [w - 1 - dy, rx];
      dst[dy * dw + dx] = src[sy * w + sx]!;
    }
  }
  return { width: dw, height: dh, data: out };
}

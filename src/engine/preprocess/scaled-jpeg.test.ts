// The reduced-scale JPEG decode against the full decode that PIL does (sharp's, which equals
// PIL's on the goldens), both through the official preprocessing: the pixels must stay within
// the goldens' bound (mean <= 0.006, max <= 0.15 in normalised units).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sharp from 'sharp';
import { beforeAll, describe, expect, it } from 'vitest';
import { sharpPhotoDecoder } from '../../cli/sharp-decoder';
import { sharedDir } from '../testing/shared';
import { preprocessClip } from './clip-preprocess';
import { jpegScaleFor } from './jpeg-scale';
import type { RgbaImage } from './rgba-image';
import { initMagick } from './magick';
import { decodeScaledJpeg, reducibleJpeg } from './scaled-jpeg';
import { CAMERA_HEIGHT, CAMERA_WIDTH, cameraPhotoPixels } from './testing/camera-photo';

const MEAN = [0.48145466, 0.4578275, 0.40821073];
const STD = [0.26862954, 0.26130258, 0.27577711];
const BOUND = { mean: 0.006, max: 0.15 };

const preprocess = (image: RgbaImage, resolution = 224) => preprocessClip(image, resolution, MEAN, STD);
const fullDecode = async (bytes: Uint8Array) => (await sharpPhotoDecoder.decode(bytes, 'image/jpeg', { withThumbnail: false, resolution: 0 })).image;

function difference(a: Float32Array, b: Float32Array): { mean: number; max: number } {
  let sum = 0;
  let max = 0;
  for (let i = 0; i < a.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
  }
  return { mean: sum / a.length, max };
}

async function cameraJpeg(seed: number, orientation?: number): Promise<Uint8Array> {
  let image = sharp(cameraPhotoPixels(seed), { raw: { width: CAMERA_WIDTH, height: CAMERA_HEIGHT, channels: 3 } });
  if (orientation) image = image.withMetadata({ orientation });
  return new Uint8Array(await image.jpeg({ quality: 90 }).toBuffer());
}

beforeAll(async () => {
  await initMagick(() => readFileSync(createRequire(import.meta.url).resolve('@imagemagick/magick-wasm/magick.wasm')));
});

describe('the reduced-scale JPEG decode', () => {
  it.each(['photo_800x600.jpg', 'rotated_exif6_600x400.jpg'])(
    'decodes the golden %s to the bytes of the full decode (scale 1), within the golden pixels',
    async (name) => {
      const bytes = new Uint8Array(readFileSync(join(sharedDir, 'goldens/images', name)));
      const header = reducibleJpeg(bytes, 224);
      expect(header).toBeNull(); // too small to shrink for a 224 input
      const full = await fullDecode(bytes);
      const [w, h] = name.startsWith('rotated') ? [600, 400] : [800, 600];
      const decoded = decodeScaledJpeg(bytes, w, h, 1)!;
      expect(decoded.image.width).toBe(full.width);
      expect(decoded.image.height).toBe(full.height);
      expect(Buffer.from(decoded.image.data).equals(Buffer.from(full.data))).toBe(true);
      const golden = new Float32Array(readFileSync(join(sharedDir, 'goldens/pixels', `${name}.f32`)).buffer.slice(0));
      const d = difference(preprocess(decoded.image), golden);
      expect(d.mean).toBeLessThanOrEqual(BOUND.mean);
      expect(d.max).toBeLessThanOrEqual(BOUND.max);
    },
  );

  it('keeps 12-megapixel photos within the bound of the full decode at 1/4 scale, upright', async () => {
    for (const [seed, orientation] of [
      [1, undefined],
      [2, 6],
    ] as const) {
      const bytes = await cameraJpeg(seed, orientation);
      const jpeg = reducibleJpeg(bytes, 224)!;
      expect(jpeg).toEqual({ width: 4000, height: 3000, scale: 4 });
      const reduced = decodeScaledJpeg(bytes, jpeg.width, jpeg.height, jpeg.scale)!;
      const turned = orientation === 6;
      expect([reduced.width, reduced.height]).toEqual(turned ? [3000, 4000] : [4000, 3000]);
      expect([reduced.image.width, reduced.image.height]).toEqual(turned ? [750, 1000] : [1000, 750]);
      const full = await fullDecode(bytes);
      expect([full.width, full.height]).toEqual([reduced.width, reduced.height]);
      const d = difference(preprocess(reduced.image), preprocess(full));
      expect(d.mean).toBeLessThanOrEqual(BOUND.mean);
      expect(d.max).toBeLessThanOrEqual(BOUND.max);
      // Not the same pixels: the decode really was reduced.
      expect(d.mean).toBeGreaterThan(0);
    }
  });

  it('gives the Node decoder the photo size and the reduced pixels when asked for a model input', async () => {
    const bytes = await cameraJpeg(3);
    const decoded = await sharpPhotoDecoder.decode(bytes, 'image/jpeg', { withThumbnail: true, resolution: 336 });
    expect(jpegScaleFor(4000, 3000, 336)).toBe(4);
    expect([decoded.width, decoded.height, decoded.image.width, decoded.image.height]).toEqual([4000, 3000, 1000, 750]);
    expect(decoded.thumbnail!.width).toBeLessThanOrEqual(320);
  });

  it('sizes odd dimensions as libjpeg does and leaves CMYK to the full decoder', async () => {
    const base = sharp(readFileSync(join(sharedDir, 'goldens/images/photo_800x600.jpg')));
    const odd = new Uint8Array(await base.clone().resize(803, 601).jpeg().toBuffer());
    const half = decodeScaledJpeg(odd, 803, 601, 2)!;
    expect([half.image.width, half.image.height, half.width, half.height]).toEqual([402, 301, 803, 601]);
    const cmyk = new Uint8Array(await base.clone().toColourspace('cmyk').jpeg().toBuffer());
    expect(decodeScaledJpeg(cmyk, 800, 600, 2)).toBeNull();
    expect(decodeScaledJpeg(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 1, 2, 3]), 800, 600, 2)).toBeNull();
  });
});

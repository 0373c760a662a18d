import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeImageFile } from '../../cli/sharp-decoder';
import { demoDir, goldensDir, loadGolden, readF32 } from '../testing/shared';
import { CLIP_MEAN, CLIP_STD, centerCropOffset, preprocessClip, resizedSize } from './clip-preprocess';
import type { RgbaImage } from './rgba-image';
import { cropRgba, randomImage, referenceResize } from './testing/reference-resize';

const R = 224;

function compare(a: Float32Array, b: Float32Array): { mean: number; max: number; differing: number } {
  let sum = 0,
    max = 0,
    differing = 0;
  for (let i = 0; i < b.length; i++) {
    const d = Math.abs(a[i]! - b[i]!);
    sum += d;
    if (d > max) max = d;
    if (d !== 0) differing++;
  }
  return { mean: sum / b.length, max, differing };
}

/** Straightforward reference: full PIL resize, crop, then the float formula in doubles. */
function referencePreprocess(img: RgbaImage, res: number): Float32Array {
  const [w, h] = resizedSize(img.width, img.height, res);
  const px = cropRgba(referenceResize(img, w, h), centerCropOffset(w, res), centerCropOffset(h, res), res, res);
  const out = new Float32Array(3 * res * res);
  for (let c = 0; c < 3; c++) {
    for (let i = 0; i < res * res; i++) out[c * res * res + i] = (px[i * 4 + c]! / 255 - CLIP_MEAN[c]!) / CLIP_STD[c]!;
  }
  return out;
}

describe('preprocessClip against the official pixels', () => {
  const golden = loadGolden();
  it('uses the reference normalisation constants', () => {
    expect(golden.config.mean).toEqual([...CLIP_MEAN]);
    expect(golden.config.std).toEqual([...CLIP_STD]);
    expect(golden.config.image_resolution).toBe(R);
  });

  for (const entry of golden.images) {
    it(`${entry.file}: within mean 0.006 / max 0.15 of pixels/*.f32 (bit-exact expected)`, async () => {
      const img = await decodeImageFile(join(goldensDir, entry.file));
      expect([img.width, img.height]).toEqual(entry.upright_size);
      const got = preprocessClip(img, R, CLIP_MEAN, CLIP_STD);
      const want = readF32(join(goldensDir, entry.pixels));
      expect(got.length).toBe(want.length);
      const { mean, max, differing } = compare(got, want);
      console.log(`${entry.file}: mean abs diff ${mean.toExponential(2)}, max ${max.toExponential(2)}, ${differing} of ${want.length} values differ`);
      expect(mean).toBeLessThanOrEqual(0.006);
      expect(max).toBeLessThanOrEqual(0.15);
      // PNG decoding is lossless and the resize is PIL's to the bit: these must match exactly.
      if (entry.file.endsWith('.png')) expect(differing).toBe(0);
    });
  }
});

describe('demo gallery (448 x 448 PNG)', () => {
  const dir = join(demoDir, 'gallery');
  const files = readdirSync(dir)
    .filter((f) => f.endsWith('.png'))
    .sort();
  it('preprocesses every scene into one batch buffer', async () => {
    expect(files.length).toBeGreaterThan(0);
    const plane = 3 * R * R;
    const batch = new Float32Array(files.length * plane);
    const lo = Math.min(...CLIP_MEAN.map((m, c) => -m / CLIP_STD[c]!));
    const hi = Math.max(...CLIP_MEAN.map((m, c) => (1 - m) / CLIP_STD[c]!));
    for (const [i, f] of files.entries()) {
      const img = await decodeImageFile(join(dir, f));
      expect([img.width, img.height]).toEqual([448, 448]);
      expect(preprocessClip(img, R, CLIP_MEAN, CLIP_STD, batch, i * plane)).toBe(batch);
      if (i === 0) expect(compare(batch.subarray(0, plane), referencePreprocess(img, R)).max).toBeLessThan(1e-6);
    }
    let min = Infinity,
      max = -Infinity;
    for (const v of batch) {
      if (v < min) min = v;
      if (v > max) max = v;
    }
    expect(min).toBeGreaterThanOrEqual(lo - 1e-6);
    expect(max).toBeLessThanOrEqual(hi + 1e-6);
  });
});

describe('sizes and crop offsets', () => {
  it('rounds the crop offset half to even like Python', () => {
    expect(centerCropOffset(373, 224)).toBe(74); // 74.5 -> 74 (Math.round would give 75)
    expect(centerCropOffset(375, 224)).toBe(76); // 75.5 -> 76
    expect(centerCropOffset(298, 224)).toBe(37);
    expect(centerCropOffset(225, 224)).toBe(0); // 0.5 -> 0
    expect(centerCropOffset(227, 224)).toBe(2); // 1.5 -> 2
    expect(centerCropOffset(224, 224)).toBe(0);
  });

  it('sizes the shorter side to R and truncates the longer one', () => {
    expect(resizedSize(1000, 200, 224)).toEqual([1120, 224]);
    expect(resizedSize(300, 500, 224)).toEqual([224, 373]);
    expect(resizedSize(4000, 3000, 224)).toEqual([298, 224]);
    expect(resizedSize(1, 1, 224)).toEqual([224, 224]);
    expect(resizedSize(100, 60, 224)).toEqual([373, 224]);
  });

  it('uses the even crop offset on a 300x500 image (resized to 224x373)', () => {
    const img = randomImage(300, 500, 42);
    expect(compare(preprocessClip(img, R, CLIP_MEAN, CLIP_STD), referencePreprocess(img, R)).max).toBeLessThan(1e-6);
  });
});

describe('preprocessClip edge cases', () => {
  it('turns a 1x1 image into a uniform 224x224 image of that colour', () => {
    const out = preprocessClip({ width: 1, height: 1, data: Uint8Array.from([10, 128, 250, 255]) }, R, CLIP_MEAN, CLIP_STD);
    expect(out.length).toBe(3 * R * R);
    [10, 128, 250].forEach((v, c) => {
      const plane = out.subarray(c * R * R, (c + 1) * R * R);
      expect(plane.every((x) => x === plane[0])).toBe(true);
      expect(plane[0]).toBeCloseTo((v / 255 - CLIP_MEAN[c]!) / CLIP_STD[c]!, 6);
    });
  });

  it('upscales a small image (100x60 -> 373x224) like the straightforward reference', () => {
    const img = randomImage(100, 60, 7);
    expect(compare(preprocessClip(img, R, CLIP_MEAN, CLIP_STD), referencePreprocess(img, R)).max).toBeLessThan(1e-6);
  });

  it('handles huge aspect ratios (5000x1 and 2x3000)', () => {
    const wide = randomImage(5000, 1, 3);
    const tall = randomImage(2, 3000, 4);
    for (const img of [wide, tall]) {
      const out = preprocessClip(img, R, CLIP_MEAN, CLIP_STD);
      expect(out.every(Number.isFinite)).toBe(true);
    }
    // A 1-pixel-high image is constant down each column after resizing.
    const out = preprocessClip(wide, R, CLIP_MEAN, CLIP_STD);
    for (let y = 1; y < R; y++) if (out[y * R + 17] !== out[17]) expect.fail(`row ${y} differs`);
  });

  it('drops alpha after a premultiplied resize (value worked out by hand)', () => {
    // 2x2 -> 1x1 at R = 1: every tap weighs 1/2. Rows [(200,100,50,128), (0,0,0,0)]
    // premultiply to (100,50,25,128) and 0; horizontal: (1 + 100) / 2 -> 50, 25, 13, alpha 64;
    // vertical on two equal rows keeps them; 255 * (50, 25, 13) / 64 -> (199, 99, 51).
    const img = { width: 2, height: 2, data: Uint8Array.from([200, 100, 50, 128, 0, 0, 0, 0, 200, 100, 50, 128, 0, 0, 0, 0]) };
    const out = preprocessClip(img, 1, CLIP_MEAN, CLIP_STD);
    [199, 99, 51].forEach((v, c) => expect(out[c]).toBeCloseTo((v / 255 - CLIP_MEAN[c]!) / CLIP_STD[c]!, 6));
  });

  it('writes into a batch buffer at an offset and leaves the rest alone', () => {
    const img = randomImage(50, 40, 9);
    const alone = preprocessClip(img, 16, CLIP_MEAN, CLIP_STD);
    const batch = new Float32Array(2 * alone.length + 5).fill(7);
    preprocessClip(img, 16, CLIP_MEAN, CLIP_STD, batch, alone.length);
    expect(batch.subarray(alone.length, 2 * alone.length)).toEqual(alone);
    expect(batch.subarray(0, alone.length).every((v) => v === 7)).toBe(true);
    expect(batch.subarray(2 * alone.length).every((v) => v === 7)).toBe(true);
    expect(() => preprocessClip(img, 16, CLIP_MEAN, CLIP_STD, batch, alone.length + 6)).toThrow(RangeError);
  });

  it('rejects bad arguments', () => {
    const img = randomImage(4, 4, 1);
    expect(() => preprocessClip(img, 0, CLIP_MEAN, CLIP_STD)).toThrow(RangeError);
    expect(() => preprocessClip(img, 4, [0.5], CLIP_STD)).toThrow(RangeError);
    expect(() => preprocessClip({ width: 0, height: 4, data: new Uint8Array(0) }, 4, CLIP_MEAN, CLIP_STD)).toThrow(RangeError);
  });
});

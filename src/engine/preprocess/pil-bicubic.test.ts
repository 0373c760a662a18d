import { describe, expect, it } from 'vitest';
import { precomputeCoeffs, premultiply, resizeBicubic, unpremultiply } from './pil-bicubic';
import { isOpaque, type RgbaImage } from './rgba-image';
import { cropRgba, randomImage, referenceResize } from './testing/reference-resize';

const rgba = (width: number, height: number, px: number[]): RgbaImage => ({ width, height, data: Uint8Array.from(px) });
const channel = (img: RgbaImage, c: number): number[] => Array.from(img.data).filter((_, i) => i % 4 === c);

describe('precomputeCoeffs', () => {
  it('gives weights that sum to about 2^22 and stay inside the input', () => {
    for (const [inSize, outSize] of [
      [4000, 298],
      [100, 373],
      [1, 224],
      [448, 224],
      [7, 3],
    ] as const) {
      const c = precomputeCoeffs(inSize, outSize);
      for (let i = 0; i < outSize; i++) {
        const first = c.bounds[2 * i]!,
          n = c.bounds[2 * i + 1]!;
        expect(first).toBeGreaterThanOrEqual(0);
        expect(n).toBeGreaterThanOrEqual(1);
        expect(n).toBeLessThanOrEqual(c.ksize);
        expect(first + n).toBeLessThanOrEqual(inSize);
        let sum = 0;
        for (let t = 0; t < n; t++) sum += c.weights[i * c.ksize + t]!;
        expect(Math.abs(sum - 2 ** 22)).toBeLessThanOrEqual(n);
      }
    }
  });

  it('computes a sub-range exactly as the whole range', () => {
    const all = precomputeCoeffs(1000, 1120);
    const part = precomputeCoeffs(1000, 1120, 448, 224);
    expect(part.bounds).toEqual(all.bounds.slice(448 * 2, 672 * 2));
    expect(part.weights).toEqual(all.weights.slice(448 * all.ksize, 672 * all.ksize));
  });
});

describe('resizeBicubic', () => {
  it('upscales 2 -> 4 pixels as worked out by hand (negative lobes clamp to 0 and 255)', () => {
    // Output centres 0.25, 0.75, 1.25, 1.75; e.g. x = 0.75 uses filter(0.25) = 0.8671875 and
    // filter(0.75) = 0.2265625, normalised to 0.7929 and 0.2071: 255 * 0.2071 = 52.8 -> 53.
    const out = resizeBicubic(rgba(2, 1, [0, 0, 0, 255, 255, 255, 255, 255]), 4, 1);
    expect(channel(out, 0)).toEqual([0, 53, 202, 255]);
    expect(channel(out, 3)).toEqual([255, 255, 255, 255]);
  });

  it('keeps a constant image constant when shrinking and enlarging', () => {
    const img = rgba(5, 3, Array.from({ length: 15 }, () => [12, 130, 250, 255]).flat());
    for (const [w, h] of [
      [2, 1],
      [17, 9],
      [5, 8],
      [3, 3],
    ] as const) {
      const out = resizeBicubic(img, w, h);
      for (let i = 0; i < w * h; i++) expect(Array.from(out.data.subarray(i * 4, i * 4 + 4))).toEqual([12, 130, 250, 255]);
    }
  });

  const cases: [number, number, number, number, boolean][] = [
    [37, 23, 50, 31, false], // enlarge both
    [97, 61, 30, 19, false], // shrink both
    [640, 480, 298, 224, false], // CLIP-like shrink
    [50, 80, 90, 40, false], // enlarge one axis, shrink the other
    [60, 40, 60, 25, false], // vertical pass only
    [60, 40, 91, 40, false], // horizontal pass only
    [31, 29, 45, 13, true], // transparent
    [64, 48, 13, 11, true],
    [40, 40, 40, 17, true],
  ];
  for (const [w, h, ow, oh, alpha] of cases) {
    it(`computing only a crop equals a full resize then the crop (${w}x${h} -> ${ow}x${oh}${alpha ? ', alpha' : ''})`, () => {
      const img = randomImage(w, h, w * 1000 + h, alpha);
      const full = referenceResize(img, ow, oh);
      expect(resizeBicubic(img, ow, oh).data).toEqual(new Uint8ClampedArray(full.data));
      for (const [cx, cy, cw, ch] of [
        [0, 0, ow, oh],
        [Math.floor(ow / 3), Math.floor(oh / 4), Math.ceil(ow / 2), Math.ceil(oh / 2)],
        [ow - 1, oh - 1, 1, 1],
      ] as const) {
        const part = resizeBicubic(img, ow, oh, { x: cx, y: cy, width: cw, height: ch });
        expect(part.width).toBe(cw);
        expect(part.height).toBe(ch);
        expect(part.data).toEqual(new Uint8ClampedArray(cropRgba(full, cx, cy, cw, ch)));
      }
    });
  }

  it('reads views at aligned and unaligned byte offsets and Uint8ClampedArray data the same way', () => {
    for (const alpha of [false, true]) {
      const img = randomImage(23, 17, 5, alpha);
      const want = resizeBicubic(img, 11, 9).data;
      for (const offset of [8, 3]) {
        const backing = new Uint8Array(img.data.length + offset);
        backing.set(img.data, offset);
        const view = { width: 23, height: 17, data: backing.subarray(offset) };
        expect(isOpaque(view)).toBe(!alpha);
        expect(resizeBicubic(view, 11, 9).data).toEqual(want);
      }
      expect(resizeBicubic({ width: 23, height: 17, data: new Uint8ClampedArray(img.data) }, 11, 9).data).toEqual(want);
    }
  });

  it('detects a single non-opaque pixel', () => {
    const img = randomImage(9, 7, 2);
    expect(isOpaque(img)).toBe(true);
    img.data[(5 * 9 + 8) * 4 + 3] = 254;
    expect(isOpaque(img)).toBe(false);
  });

  it('rejects bad sizes and crops outside the output', () => {
    const img = randomImage(4, 4, 1);
    expect(() => resizeBicubic(img, 0, 4)).toThrow(RangeError);
    expect(() => resizeBicubic(img, 4, 4, { x: 1, y: 0, width: 4, height: 4 })).toThrow(RangeError);
    expect(() => resizeBicubic({ width: 4, height: 4, data: new Uint8Array(10) }, 2, 2)).toThrow(RangeError);
  });
});

describe('transparency (PIL resizes RGBA premultiplied)', () => {
  it('premultiplies with MULDIV255 and un-premultiplies with integer division', () => {
    expect(Array.from(premultiply(Uint8Array.from([200, 100, 50, 128, 255, 7, 0, 255, 9, 9, 9, 0])))).toEqual([100, 50, 25, 128, 255, 7, 0, 255, 0, 0, 0, 0]);
    const d = Uint8ClampedArray.from([50, 25, 13, 64, 70, 0, 1, 64, 3, 4, 5, 0]);
    unpremultiply(d);
    expect(Array.from(d)).toEqual([199, 99, 51, 64, 255, 0, 3, 64, 3, 4, 5, 0]);
  });

  it('an opaque red pixel next to a transparent blue one shrinks to red, not purple', () => {
    // 2 -> 1: both taps weigh exactly 1/2 (2^21). Premultiplied: (255,0,0,255) and (0,0,0,0);
    // sums (2^21 + 255 * 2^21) >> 22 = 128 for R and A, 0 for G and B; 255 * 128 / 128 = 255.
    const out = resizeBicubic(rgba(2, 1, [255, 0, 0, 255, 0, 0, 255, 0]), 1, 1);
    expect(Array.from(out.data)).toEqual([255, 0, 0, 128]);
  });

  it('a half-transparent pixel keeps its colour up to PIL rounding', () => {
    // (200,100,50,128) premultiplies to (100,50,25,128); with a transparent neighbour the 2 -> 1
    // sums give (50, 25, 13, 64), and 255 * (50, 25, 13) / 64 truncates to (199, 99, 51).
    const out = resizeBicubic(rgba(2, 1, [200, 100, 50, 128, 0, 0, 0, 0]), 1, 1);
    expect(Array.from(out.data)).toEqual([199, 99, 51, 64]);
  });

  it('does not premultiply when the size does not change (PIL returns a copy)', () => {
    const img = rgba(2, 1, [200, 100, 50, 1, 7, 8, 9, 0]);
    expect(Array.from(resizeBicubic(img, 2, 1).data)).toEqual([200, 100, 50, 1, 7, 8, 9, 0]);
  });
});

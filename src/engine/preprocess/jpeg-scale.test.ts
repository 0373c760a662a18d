import { describe, expect, it } from 'vitest';
import { jpegScaleFor, scaledSide } from './jpeg-scale';

describe('jpegScaleFor', () => {
  it('keeps the shorter side at least twice the input', () => {
    expect(jpegScaleFor(4000, 3000, 224)).toBe(4); // 750 >= 448; 1/8 gives 375
    expect(jpegScaleFor(3000, 4000, 224)).toBe(4);
    expect(jpegScaleFor(8000, 6000, 224)).toBe(8);
    expect(jpegScaleFor(4032, 3024, 336)).toBe(4); // 756 >= 672
    expect(jpegScaleFor(1792, 896, 224)).toBe(2);
    expect(jpegScaleFor(1790, 894, 224)).toBe(1); // 447
    expect(jpegScaleFor(800, 600, 224)).toBe(1);
    expect(jpegScaleFor(100, 60, 224)).toBe(1);
  });

  it('rounds the scaled side up, as libjpeg does', () => {
    expect(scaledSide(3001, 4)).toBe(751);
    expect(jpegScaleFor(3585, 3585, 224)).toBe(8); // ceil(3585 / 8) = 449
    expect(jpegScaleFor(3584, 3584, 224)).toBe(8); // 448 exactly
    expect(jpegScaleFor(3576, 3576, 224)).toBe(4); // 447
  });
});

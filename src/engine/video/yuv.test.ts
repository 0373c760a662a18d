import { describe, expect, it } from 'vitest';
import { yuv420ToRgba } from './yuv';

describe('yuv420ToRgba (BT.601 limited range, as ffmpeg reads an untagged video)', () => {
  // A 4 x 2 frame: two chroma blocks, left grey, right a saturated red.
  const y = [16, 126, 82, 82, 235, 126, 82, 82];
  const i420 = new Uint8Array([...y, 128, 90, 128, 240]);
  const planes = [
    { offset: 0, stride: 4 },
    { offset: 8, stride: 2 },
    { offset: 10, stride: 2 },
  ];

  it('maps black, white and grey to themselves and BT.601 red to red', () => {
    const rgba = yuv420ToRgba(i420, 'I420', planes, 4, 2);
    const px = (i: number) => Array.from(rgba.subarray(i * 4, i * 4 + 4));
    expect(px(0)).toEqual([0, 0, 0, 255]);
    expect(px(4)).toEqual([255, 255, 255, 255]);
    expect(px(1)).toEqual([128, 128, 128, 255]);
    // Y 82, Cb 90, Cr 240: BT.601's red (a BT.709 reading gives about [239, 33, 0]).
    const [r, g, b] = px(2);
    expect(r).toBeGreaterThanOrEqual(253);
    expect(g).toBeLessThanOrEqual(2);
    expect(b).toBeLessThanOrEqual(2);
    // One chroma sample covers its 2 x 2 block.
    expect(px(3)).toEqual(px(2));
    expect(px(7)).toEqual(px(2));
  });

  it('reads NV12 (interleaved chroma) the same as I420, with strides wider than the picture', () => {
    const stride = 6;
    const nv12 = new Uint8Array(2 * stride + stride);
    y.forEach((v, i) => (nv12[Math.floor(i / 4) * stride + (i % 4)] = v));
    nv12.set([128, 128, 90, 240], 2 * stride);
    const a = yuv420ToRgba(
      nv12,
      'NV12',
      [
        { offset: 0, stride },
        { offset: 2 * stride, stride },
      ],
      4,
      2,
    );
    expect(a).toEqual(yuv420ToRgba(i420, 'I420', planes, 4, 2));
  });

  it('refuses too few planes', () => {
    expect(() => yuv420ToRgba(i420, 'I420', planes.slice(0, 2), 4, 2)).toThrow(/needs 3 planes/);
  });
});

import { describe, expect, test } from 'vitest';
import type { RgbaImage } from '../preprocess/rgba-image';
import {
  CANDIDATE_INTERVAL_MS,
  CUT_DISTANCE,
  FrameSampler,
  MIN_CUT_GAP_MS,
  SAMPLE_INTERVAL_MS,
  SIGNATURE_SIDE,
  frameSignature,
  signatureDistance,
  type SampleReason,
} from './sampler';

/** A w x h image whose pixel (x, y) is `color(x, y)`. */
function image(w: number, h: number, color: (x: number, y: number) => [number, number, number]): RgbaImage {
  const data = new Uint8Array(w * h * 4);
  for (let y = 0; y < h; y++) for (let x = 0; x < w; x++) data.set([...color(x, y), 255], (y * w + x) * 4);
  return { width: w, height: h, data };
}

const flat = (rgb: [number, number, number]) => image(32, 24, () => rgb);

/**
 * Plays a synthetic clip through the sampler as a decoder does: every frame at `fps`, its time
 * rounded to whole ms, the signature computed only for the candidates the sampler wants.
 */
function play(seconds: number, frameAt: (ms: number) => RgbaImage, fps = 30): { ms: number; reason: SampleReason }[] {
  const sampler = new FrameSampler();
  const samples: { ms: number; reason: SampleReason }[] = [];
  for (let i = 0; i < seconds * fps; i++) {
    const ms = Math.round((i * 1000) / fps);
    if (!sampler.wants(ms)) continue;
    const reason = sampler.offer(ms, frameSignature(frameAt(ms)));
    if (reason) samples.push({ ms, reason });
  }
  return samples;
}

describe('FrameSampler', () => {
  test('a static clip: the first frame, then one a second', () => {
    const grey = flat([120, 120, 120]);
    const samples = play(10, () => grey);
    expect(samples[0]).toEqual({ ms: 0, reason: 'first' });
    expect(samples.slice(1).every((s) => s.reason === 'interval')).toBe(true);
    expect(samples.map((s) => s.ms)).toEqual([0, 1000, 2000, 3000, 4000, 5000, 6000, 7000, 8000, 9000]);
  });

  test('at 24 and 25 fps too, never more than a second (plus a candidate step) between samples', () => {
    const grey = flat([10, 200, 30]);
    for (const fps of [24, 25, 60]) {
      const times = play(20, () => grey, fps).map((s) => s.ms);
      const gaps = times.slice(1).map((t, i) => t - times[i]!);
      expect(Math.max(...gaps), `${fps} fps`).toBeLessThanOrEqual(SAMPLE_INTERVAL_MS + CANDIDATE_INTERVAL_MS);
      expect(Math.min(...gaps), `${fps} fps`).toBeGreaterThanOrEqual(SAMPLE_INTERVAL_MS);
      expect(times.length, `${fps} fps`).toBeGreaterThanOrEqual(19);
    }
  });

  test('a sample at each cut: the colour changes at 2.5 s, 4.2 s and 4.6 s', () => {
    const scenes: [number, RgbaImage][] = [
      [0, flat([200, 30, 30])],
      [2500, image(32, 24, (x) => (x < 16 ? [20, 20, 220] : [240, 240, 240]))],
      [4200, flat([30, 180, 40])],
      [4600, flat([250, 250, 250])],
    ];
    const sceneAt = (ms: number) => scenes.findLast(([start]) => ms >= start)![1];
    const samples = play(7, sceneAt);
    const cuts = samples.filter((s) => s.reason === 'cut').map((s) => s.ms);
    // Each cut is sampled at the first candidate after it: within a candidate step plus one frame.
    expect(cuts).toHaveLength(3);
    for (const [k, start] of [2500, 4200, 4600].entries()) {
      expect(cuts[k]).toBeGreaterThanOrEqual(start);
      expect(cuts[k]! - start).toBeLessThanOrEqual(CANDIDATE_INTERVAL_MS + 34);
    }
    // The interval rule counts from the last sample, the cut.
    expect(samples.map((s) => s.reason)).toEqual(['first', 'interval', 'interval', 'cut', 'interval', 'cut', 'cut', 'interval', 'interval']);
  });

  test('MIN_CUT_GAP_MS: a flickering clip is not sampled at every candidate', () => {
    const [a, b] = [flat([0, 0, 0]), flat([255, 255, 255])];
    const samples = play(5, (ms) => (Math.floor(ms / 100) % 2 ? a : b));
    const times = samples.map((s) => s.ms);
    const gaps = times.slice(1).map((t, i) => t - times[i]!);
    expect(Math.min(...gaps)).toBeGreaterThanOrEqual(MIN_CUT_GAP_MS);
    expect(samples.length).toBeLessThanOrEqual(Math.ceil(5000 / MIN_CUT_GAP_MS) + 1);
  });

  test('a cut right after the first frame or another cut waits for MIN_CUT_GAP_MS, then is sampled', () => {
    const sampler = new FrameSampler();
    const [a, b, c] = [frameSignature(flat([0, 0, 0])), frameSignature(flat([255, 255, 255])), frameSignature(flat([255, 0, 0]))];
    expect(sampler.offer(0, a)).toBe('first');
    expect(sampler.offer(100, b)).toBeNull();
    expect(sampler.offer(200, b)).toBeNull();
    expect(sampler.offer(MIN_CUT_GAP_MS, b)).toBe('cut');
    expect(sampler.offer(MIN_CUT_GAP_MS + 100, c)).toBeNull();
    expect(sampler.offer(2 * MIN_CUT_GAP_MS, c)).toBe('cut');
  });

  test('a cut right after a once-a-second sample is sampled at once', () => {
    const sampler = new FrameSampler();
    const [a, b] = [frameSignature(flat([0, 0, 0])), frameSignature(flat([255, 255, 255]))];
    expect(sampler.offer(0, a)).toBe('first');
    expect(sampler.offer(1000, a)).toBe('interval');
    expect(sampler.offer(1100, b)).toBe('cut');
  });

  test('the cut threshold: a change just under CUT_DISTANCE is not a cut, just over is', () => {
    const base = flat([100, 100, 100]);
    const step = (d: number) => flat([100 + Math.round(d * 255), 100 + Math.round(d * 255), 100 + Math.round(d * 255)]);
    const under = step(CUT_DISTANCE - 0.01);
    const over = step(CUT_DISTANCE + 0.01);
    expect(signatureDistance(frameSignature(base), frameSignature(under))).toBeLessThan(CUT_DISTANCE);
    expect(signatureDistance(frameSignature(base), frameSignature(over))).toBeGreaterThan(CUT_DISTANCE);
    for (const [next, expected] of [
      [under, null],
      [over, 'cut'],
    ] as const) {
      const sampler = new FrameSampler();
      sampler.offer(0, frameSignature(base));
      expect(sampler.offer(500, frameSignature(next))).toBe(expected);
    }
  });

  test('a slow change is measured from the last sample, so it adds up to a cut', () => {
    // Brightness rises 0.01 per candidate: no two neighbours differ by CUT_DISTANCE, the drift does.
    const sampler = new FrameSampler();
    const grey = (k: number) => frameSignature(flat([50 + Math.round(k * 2.55), 50 + Math.round(k * 2.55), 50 + Math.round(k * 2.55)]));
    expect(signatureDistance(grey(0), grey(1))).toBeLessThan(CUT_DISTANCE / 2);
    const reasons = Array.from({ length: 10 }, (_, k) => sampler.offer(k * 100, grey(k)));
    const firstCut = reasons.indexOf('cut');
    expect(firstCut).toBeGreaterThanOrEqual(MIN_CUT_GAP_MS / 100);
    expect(firstCut).toBeLessThanOrEqual(Math.ceil(CUT_DISTANCE / 0.01) + 1);
  });

  test('wants: one candidate per CANDIDATE_INTERVAL_MS, and always the very first frame', () => {
    const sampler = new FrameSampler();
    expect(sampler.wants(40)).toBe(true);
    sampler.offer(40, frameSignature(flat([1, 2, 3])));
    expect([73, 106, 139, 140, 141].map((ms) => sampler.wants(ms))).toEqual([false, false, false, true, true]);
  });
});

describe('frameSignature and signatureDistance', () => {
  test('8 x 8 cells of mean R, G, B in 0..1', () => {
    const sig = frameSignature(flat([255, 51, 0]));
    expect(sig).toHaveLength(SIGNATURE_SIDE * SIGNATURE_SIDE * 3);
    for (let c = 0; c < 64; c++) expect([sig[c * 3], sig[c * 3 + 1], sig[c * 3 + 2]]).toEqual([1, expect.closeTo(0.2, 6), 0]);
  });

  test('cells follow the image: the left half white, the right half black', () => {
    const sig = frameSignature(image(64, 40, (x) => (x < 32 ? [255, 255, 255] : [0, 0, 0])));
    for (let cy = 0; cy < 8; cy++) for (let cx = 0; cx < 8; cx++) expect(sig[(cy * 8 + cx) * 3]).toBe(cx < 4 ? 1 : 0);
  });

  test('any size: every cell that holds pixels gets their mean (an image under 8 px leaves cells empty, at 0)', () => {
    for (const [w, h] of [
      [7, 5],
      [8, 8],
      [13, 101],
      [1, 1],
    ] as const) {
      const sig = frameSignature(image(w, h, () => [255, 255, 255]));
      expect(Array.from(sig).every((v) => v === 0 || v === 1)).toBe(true);
      expect(Array.from(sig).filter((v) => v === 1).length, `${w} x ${h}`).toBe(Math.min(w, 8) * Math.min(h, 8) * 3);
    }
  });

  test('distance: 0 for the same, 1 for black against white, symmetric', () => {
    const [black, white, red] = [frameSignature(flat([0, 0, 0])), frameSignature(flat([255, 255, 255])), frameSignature(flat([255, 0, 0]))];
    expect(signatureDistance(black, black)).toBe(0);
    expect(signatureDistance(black, white)).toBe(1);
    expect(signatureDistance(black, red)).toBeCloseTo(1 / 3, 6);
    expect(signatureDistance(red, black)).toBe(signatureDistance(black, red));
  });

  test('the same scene scaled to different sizes has (nearly) the same signature', () => {
    const scene = (w: number, h: number) => image(w, h, (x, y) => [Math.round((x / w) * 255), Math.round((y / h) * 255), 128]);
    expect(signatureDistance(frameSignature(scene(64, 64)), frameSignature(scene(448, 448)))).toBeLessThan(0.01);
  });
});

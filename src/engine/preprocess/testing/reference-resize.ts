// Test-only: a deliberately plain PIL bicubic resize (whole output, both passes over every
// pixel, all four channels, premultiplied when any alpha < 255) to check the optimised one.
import type { RgbaImage } from '../rgba-image';

interface Taps {
  first: number[];
  weights: number[][];
}

function cubic(x: number): number {
  const ax = Math.abs(x);
  if (ax < 1) return (1.5 * ax - 2.5) * ax * ax + 1;
  if (ax < 2) return (((ax - 5) * ax + 8) * ax - 4) * -0.5;
  return 0;
}

function taps(inSize: number, outSize: number): Taps {
  const scale = inSize / outSize;
  const fs = Math.max(scale, 1);
  const support = 2 * fs;
  const first: number[] = [];
  const weights: number[][] = [];
  for (let o = 0; o < outSize; o++) {
    const center = (o + 0.5) * scale;
    const lo = Math.max(0, Math.trunc(center - support + 0.5));
    const hi = Math.min(inSize, Math.trunc(center + support + 0.5));
    const w: number[] = [];
    for (let i = lo; i < hi; i++) w.push(cubic((i - center + 0.5) * (1 / fs)));
    const sum = w.reduce((a, b) => a + b, 0);
    first.push(lo);
    weights.push(
      w.map((v) => {
        const n = sum !== 0 ? v / sum : v;
        return Math.trunc(n < 0 ? n * 2 ** 22 - 0.5 : n * 2 ** 22 + 0.5);
      }),
    );
  }
  return { first, weights };
}

const clip8 = (acc: number): number => Math.min(255, Math.max(0, Math.floor(acc / 2 ** 22)));

function pass(src: Uint8Array, w: number, h: number, horizontal: boolean, outLen: number): Uint8Array {
  const t = taps(horizontal ? w : h, outLen);
  const ow = horizontal ? outLen : w;
  const oh = horizontal ? h : outLen;
  const dst = new Uint8Array(ow * oh * 4);
  for (let y = 0; y < oh; y++) {
    for (let x = 0; x < ow; x++) {
      const o = horizontal ? x : y;
      const ws = t.weights[o]!;
      for (let c = 0; c < 4; c++) {
        let acc = 2 ** 21;
        ws.forEach((k, i) => {
          const sx = horizontal ? t.first[o]! + i : x;
          const sy = horizontal ? y : t.first[o]! + i;
          acc += src[(sy * w + sx) * 4 + c]! * k;
        });
        dst[(y * ow + x) * 4 + c] = clip8(acc);
      }
    }
  }
  return dst;
}

/** Full `Image.resize((outW, outH), BICUBIC)` of an RGBA image (PIL's RGBa round trip when not opaque). */
export function referenceResize(img: RgbaImage, outW: number, outH: number): RgbaImage {
  const { width: w, height: h } = img;
  if (w === outW && h === outH) return { width: w, height: h, data: Uint8Array.from(img.data.subarray(0, w * h * 4)) };
  let px: Uint8Array = Uint8Array.from(img.data.subarray(0, w * h * 4));
  let transparent = false;
  for (let i = 3; i < px.length; i += 4) if (px[i] !== 255) transparent = true;
  if (transparent) {
    for (let i = 0; i < px.length; i++) {
      if (i % 4 === 3) continue;
      const t = px[i]! * px[i - (i % 4) + 3]! + 128;
      px[i] = ((t >> 8) + t) >> 8;
    }
  }
  let cw = w;
  if (outW !== w) {
    px = pass(px, w, h, true, outW);
    cw = outW;
  }
  if (outH !== h) px = pass(px, cw, h, false, outH);
  if (transparent) {
    for (let i = 0; i < px.length; i += 4) {
      const a = px[i + 3]!;
      if (a === 0 || a === 255) continue;
      for (let c = 0; c < 3; c++) px[i + c] = Math.min(255, Math.floor((255 * px[i + c]!) / a));
    }
  }
  return { width: outW, height: outH, data: px };
}

export function cropRgba(img: RgbaImage, x: number, y: number, cw: number, ch: number): Uint8Array {
  const out = new Uint8Array(cw * ch * 4);
  for (let r = 0; r < ch; r++) {
    const s = ((y + r) * img.width + x) * 4;
    out.set(img.data.subarray(s, s + cw * 4), r * cw * 4);
  }
  return out;
}

/** Deterministic pseudo-random RGBA image; `alpha` false makes it opaque. */
export function randomImage(width: number, height: number, seed: number, alpha = false): RgbaImage {
  const data = new Uint8Array(width * height * 4);
  let s = seed >>> 0 || 1;
  for (let i = 0; i < data.length; i++) {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    data[i] = i % 4 === 3 && !alpha ? 255 : s & 255;
  }
  return { width, height, data };
}

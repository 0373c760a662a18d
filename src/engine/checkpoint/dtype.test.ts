import { describe, expect, it } from 'vitest';
import { decodeToFloat32Bits, halfToFloat } from './dtype';

/** float16 by its definition, independent of the lookup table. */
function halfByFormula(h: number): number {
  const sign = h & 0x8000 ? -1 : 1;
  const exp = (h >> 10) & 0x1f;
  const man = h & 0x3ff;
  if (exp === 0) return sign * man * 2 ** -24;
  if (exp === 31) return man ? NaN : sign * Infinity;
  return sign * (1 + man / 1024) * 2 ** (exp - 15);
}

function f32Bits(x: number): number {
  return new Uint32Array(new Float32Array([x]).buffer)[0]!;
}

describe('float16 / bfloat16 widening', () => {
  it('widens all 65536 float16 values exactly', () => {
    const all = new Uint16Array(65536).map((_, i) => i);
    const out = new Float32Array(decodeToFloat32Bits(new Uint8Array(all.buffer), 'float16').buffer);
    for (let h = 0; h < 65536; h++) {
      const want = halfByFormula(h);
      if (Number.isNaN(want)) expect(Number.isNaN(out[h]!)).toBe(true);
      else expect(Object.is(out[h], want), `0x${h.toString(16)}`).toBe(true);
    }
    expect(halfToFloat(0x0001)).toBe(2 ** -24); // smallest subnormal
    expect(halfToFloat(0x7bff)).toBe(65504);
    expect(Object.is(halfToFloat(0x8000), -0)).toBe(true);
  });

  it('keeps NaN payloads and signs', () => {
    const bits = decodeToFloat32Bits(new Uint8Array([0x01, 0x7e, 0x01, 0xfe]), 'float16');
    expect([...bits]).toEqual([0x7fc02000, 0xffc02000]);
    const bf = decodeToFloat32Bits(new Uint8Array([0x81, 0x7f, 0xc1, 0xff]), 'bfloat16');
    expect([...bf]).toEqual([0x7f810000, 0xffc10000]);
  });

  it('widens bfloat16 by shifting into the high half', () => {
    const values = [1, -2.5, 3.140625, 2 ** -133, -Infinity, 0];
    const input = new Uint16Array(values.map((v) => f32Bits(v) >>> 16));
    const out = new Float32Array(decodeToFloat32Bits(new Uint8Array(input.buffer), 'bfloat16').buffer);
    expect([...out]).toEqual(values);
  });

  it('reads unaligned bytes', () => {
    const buf = new Uint8Array(9);
    buf.set(new Uint8Array(new Float32Array([1.5, -7]).buffer), 1);
    expect([...new Float32Array(decodeToFloat32Bits(buf.subarray(1), 'float32').buffer)]).toEqual([1.5, -7]);
    const half = new Uint8Array(5);
    half.set([0x00, 0x3c, 0x00, 0xc0], 1); // 1, -2
    expect([...new Float32Array(decodeToFloat32Bits(half.subarray(1), 'float16').buffer)]).toEqual([1, -2]);
  });
});

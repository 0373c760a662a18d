import { describe, expect, test } from 'vitest';
import { quantizeColumns } from './quantize';

describe('quantizeColumns', () => {
  test('each column gets its own scale; values come back within half a step', () => {
    const rows = 64;
    const cols = 5;
    const w = new Float32Array(rows * cols).map((_, i) => Math.sin(i * 12.9898) * ((i % cols) + 1) * 0.01);
    const { q, scale } = quantizeColumns(w, rows, cols);
    for (let c = 0; c < cols; c++) {
      let max = 0;
      for (let r = 0; r < rows; r++) max = Math.max(max, Math.abs(w[r * cols + c]!));
      expect(scale[c]).toBeCloseTo(max / 127, 9);
    }
    for (let i = 0; i < w.length; i++) {
      expect(Math.abs(q[i]!)).toBeLessThanOrEqual(127);
      expect(Math.abs(q[i]! * scale[i % cols]! - w[i]!)).toBeLessThanOrEqual(scale[i % cols]! / 2 + 1e-9);
    }
  });

  test('an all-zero column quantises to zeros with scale 1', () => {
    const { q, scale } = quantizeColumns(new Float32Array([0, 1, 0, -2]), 2, 2);
    expect(Array.from(scale)).toEqual([1, 2 / 127].map((x) => Math.fround(x)));
    expect(Array.from(q)).toEqual([0, 64, 0, -127]);
  });
});

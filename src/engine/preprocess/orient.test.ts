import { describe, expect, test } from 'vitest';
import { orient, type Rotation } from './orient';

// One letter per pixel, as RGBA words whose R byte is the letter.
function image(lines: string[]) {
  const width = lines[0]!.length;
  const data = new Uint8Array(width * lines.length * 4);
  lines
    .join('')
    .split('')
    .forEach((c, i) => data.set([c.charCodeAt(0), 0, 0, 255], i * 4));
  return { width, height: lines.length, data };
}

function rows(img: { width: number; height: number; data: Uint8Array | Uint8ClampedArray }): string[] {
  return Array.from({ length: img.height }, (_row, y) =>
    Array.from({ length: img.width }, (_col, x) => String.fromCharCode(img.data[(y * img.width + x) * 4]!)).join(''),
  );
}

describe('orient', () => {
  const src = image(['yyrr', 'bbgg']);

  test('rotation 90 with flip: the WebCodecs conformance example (rotate, then mirror)', () => {
    expect(rows(orient(src, 90, true))).toEqual(['yb', 'yb', 'rg', 'rg']);
  });

  test.each<[Rotation, boolean, string[]]>([
    [90, false, ['by', 'by', 'gr', 'gr']],
    [180, false, ['ggbb', 'rryy']],
    [270, false, ['rg', 'rg', 'yb', 'yb']],
    [0, true, ['rryy', 'ggbb']],
    [180, true, ['bbgg', 'yyrr']],
    [270, true, ['gr', 'gr', 'by', 'by']],
  ])('rotation %i, flip %s', (rotation, flip, expected) => {
    expect(rows(orient(src, rotation, flip))).toEqual(expected);
  });

  test('no orientation returns the same image', () => {
    expect(orient(src, 0, false)).toBe(src);
  });

  test('all four channels travel with their pixel, from an unaligned buffer too', () => {
    const buf = new Uint8Array(9);
    buf.set([1, 2, 3, 4, 5, 6, 7, 8], 1);
    expect(Array.from(orient({ width: 2, height: 1, data: buf.subarray(1) }, 180, false).data)).toEqual([5, 6, 7, 8, 1, 2, 3, 4]);
  });
});

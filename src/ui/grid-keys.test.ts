import { describe, expect, it } from 'vitest';
import { gridKeyTarget } from './grid-keys';

// 10 items in rows of 4:  0 1 2 3 / 4 5 6 7 / 8 9
const move = (key: string, from: number, pageRows = 1) => gridKeyTarget(key, from, 10, 4, pageRows);

describe('gridKeyTarget', () => {
  it('moves one item left and right, staying at the ends, across rows in between', () => {
    expect(move('ArrowRight', 0)).toBe(1);
    expect(move('ArrowRight', 3)).toBe(4);
    expect(move('ArrowRight', 9)).toBe(9);
    expect(move('ArrowLeft', 4)).toBe(3);
    expect(move('ArrowLeft', 0)).toBe(0);
  });

  it('moves one row up and down in the same column', () => {
    expect(move('ArrowDown', 1)).toBe(5);
    expect(move('ArrowUp', 5)).toBe(1);
    expect(move('ArrowUp', 2)).toBe(2);
    expect(move('ArrowDown', 9)).toBe(9);
  });

  it('goes down to the last item when the short last row has no item in that column', () => {
    expect(move('ArrowDown', 6)).toBe(9);
    expect(move('ArrowDown', 5)).toBe(9);
    expect(move('ArrowDown', 4)).toBe(8);
  });

  it('goes to the first and the last item', () => {
    expect(move('Home', 6)).toBe(0);
    expect(move('End', 1)).toBe(9);
  });

  it('pages by whole rows in the same column, clamped to the first and last rows', () => {
    expect(move('PageDown', 1, 2)).toBe(9);
    expect(move('PageDown', 0, 2)).toBe(8);
    expect(move('PageDown', 2, 1)).toBe(6);
    expect(move('PageUp', 7, 1)).toBe(3);
    expect(move('PageUp', 9, 5)).toBe(1);
    expect(move('PageDown', 1, 0)).toBe(5);
    expect(gridKeyTarget('PageDown', 0, 40, 5, 3)).toBe(15);
  });

  it('leaves other keys alone', () => {
    expect(move('Enter', 3)).toBeNull();
    expect(move('a', 3)).toBeNull();
  });
});

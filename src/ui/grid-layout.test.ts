import { describe, expect, it } from 'vitest';
import { gridLayout, rowItems } from './grid-layout';

describe('gridLayout', () => {
  it('fits as many columns of the minimum width as the width allows', () => {
    expect(gridLayout(1000, 160, 8, 40).columns).toBe(6);
    expect(gridLayout(320, 160, 8, 40).columns).toBe(1);
    expect(gridLayout(328, 160, 8, 40).columns).toBe(2);
    expect(gridLayout(0, 160, 8, 40).columns).toBe(1);
  });

  it('shares the width between the columns', () => {
    const g = gridLayout(328, 160, 8, 40);
    expect(g.cellWidth).toBe(160);
    expect(g.rowHeight).toBe(208);
  });

  it('slices rows in order', () => {
    expect(rowItems([1, 2, 3, 4, 5], 1, 2)).toEqual([3, 4]);
    expect(rowItems([1, 2, 3, 4, 5], 2, 2)).toEqual([5]);
  });
});

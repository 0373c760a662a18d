/** How the results grid splits its width: columns of at least `minCell` px, square thumbnails plus a caption. */
export interface GridLayout {
  columns: number;
  cellWidth: number;
  rowHeight: number;
}

export function gridLayout(width: number, minCell: number, gap: number, caption: number): GridLayout {
  const usable = Math.max(0, width);
  const columns = Math.max(1, Math.floor((usable + gap) / (minCell + gap)));
  const cellWidth = Math.max(0, (usable - gap * (columns - 1)) / columns);
  return { columns, cellWidth, rowHeight: Math.ceil(cellWidth + caption + gap) };
}

/** Items of one row of the grid, in order. */
export function rowItems<T>(items: readonly T[], row: number, columns: number): T[] {
  return items.slice(row * columns, (row + 1) * columns);
}

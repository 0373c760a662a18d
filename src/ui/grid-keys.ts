// Where the arrow, Home, End and Page keys move the focus in the photo grid: pure, no DOM.

/**
 * The index that `key` moves the focus to from `from`, in a grid of `count` items in rows of
 * `columns` (the last row may be short), `pageRows` rows to a page; null for any other key.
 * At an edge the focus stays; Down from the row above a short last row goes to its last item.
 */
export function gridKeyTarget(key: string, from: number, count: number, columns: number, pageRows: number): number | null {
  const last = count - 1;
  const row = Math.floor(from / columns);
  const col = from % columns;
  const lastRow = Math.floor(last / columns);
  const page = Math.max(1, pageRows);
  switch (key) {
    case 'ArrowLeft':
      return Math.max(0, from - 1);
    case 'ArrowRight':
      return Math.min(last, from + 1);
    case 'ArrowUp':
      return from - columns >= 0 ? from - columns : from;
    case 'ArrowDown':
      return row < lastRow ? Math.min(last, from + columns) : from;
    case 'Home':
      return 0;
    case 'End':
      return last;
    case 'PageUp':
      return Math.max(0, row - page) * columns + col;
    case 'PageDown':
      return Math.min(last, Math.min(lastRow, row + page) * columns + col);
    default:
      return null;
  }
}

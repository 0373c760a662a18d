// The photo grid, virtualised by rows: only the rows on screen are in the DOM, and the viewer's
// photo is kept on screen.
import { useVirtualizer } from '@tanstack/react-virtual';
import { useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useViewerStore } from '../state/viewer-store';
import { gridLayout, rowItems } from './grid-layout';
import { PhotoCard } from './PhotoCard';
import type { ShownItem } from './useShownItems';

const MIN_CELL = 150;
const GAP = 12;
/** Height of the caption under a square thumbnail (two short lines). */
const CAPTION = 44;

interface Props {
  items: readonly ShownItem[];
  /** Accessible name of the list ("Results", "Library"). */
  label: string;
  /** Scrolls back to the top whenever this changes (a new query). */
  resetKey: string;
  /** There is more to show: called when the rows on screen come near the end of `items`. */
  onNearEnd?: (() => void) | undefined;
  /** The items are an earlier query's, shown until the new results come: dimmed and marked busy. */
  stale?: boolean;
}

/** Rows before the end at which the next page is asked for. */
const NEAR_END_ROWS = 6;

/** A virtualised grid: only the rows on screen are in the DOM, in list order. */
export function PhotoGrid({ items, label, resetKey, onNearEnd, stale = false }: Props) {
  const scrollRef = useRef<HTMLDivElement>(null);
  const [width, setWidth] = useState(0);
  const open = useViewerStore((s) => s.open);
  const viewerIndex = useViewerStore((s) => s.index);

  useLayoutEffect(() => {
    const el = scrollRef.current;
    if (!el) return;
    setWidth(el.clientWidth);
    const observer = new ResizeObserver((entries) => {
      const entry = entries[0];
      if (entry) setWidth(entry.contentRect.width);
    });
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const { columns, rowHeight } = gridLayout(width, MIN_CELL, GAP, CAPTION);
  // oxlint-disable-next-line react/incompatible-library -- TanStack Virtual's useVirtualizer returns a mutable instance; this app does not use the React Compiler
  const virtualizer = useVirtualizer({
    count: Math.ceil(items.length / columns),
    getScrollElement: () => scrollRef.current,
    estimateSize: () => rowHeight,
    overscan: 3,
    useFlushSync: false,
  });

  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);
  useEffect(() => virtualizer.scrollToOffset(0), [virtualizer, resetKey]);
  // Keep the photo shown in the viewer on screen, so closing the viewer lands next to it.
  useEffect(() => {
    if (viewerIndex !== null) virtualizer.scrollToIndex(Math.floor(viewerIndex / columns), { align: 'auto' });
  }, [virtualizer, viewerIndex, columns]);

  const rowCount = Math.ceil(items.length / columns);
  const lastShown = virtualizer.getVirtualItems().at(-1)?.index ?? -1;
  useEffect(() => {
    if (onNearEnd && lastShown >= rowCount - NEAR_END_ROWS) onNearEnd();
  }, [onNearEnd, lastShown, rowCount]);

  return (
    <div ref={scrollRef} className="grid-scroller">
      <div role="list" aria-label={label} aria-busy={stale} className={stale ? 'grid stale' : 'grid'} style={{ height: virtualizer.getTotalSize() }}>
        {virtualizer.getVirtualItems().map((row) => (
          <div
            role="none"
            key={row.key}
            className="grid-row"
            style={{ transform: `translateY(${row.start}px)`, height: rowHeight - GAP, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gap: GAP }}
          >
            {rowItems(items, row.index, columns).map((item, i) => (
              <PhotoCard key={item.file.path} item={item} index={row.index * columns + i} count={items.length} onOpen={open} />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

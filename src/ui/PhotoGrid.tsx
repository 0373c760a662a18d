// The photo grid, virtualised by rows: only the rows on screen are in the DOM, and the viewer's
// photo is kept on screen. One Tab stop for the whole grid; the arrow keys move between cards.
import { useVirtualizer } from '@tanstack/react-virtual';
import { type KeyboardEvent, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import { useViewerStore } from '../state/viewer-store';
import { gridLayout, rowItems } from './grid-layout';
import { gridKeyTarget } from './grid-keys';
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
  const listRef = useRef<HTMLDivElement>(null);
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

  // A roving tabindex: the one card in the Tab order is the one focused last, the first for a new query.
  const [roving, setRoving] = useState(0);
  const [rovingFor, setRovingFor] = useState(resetKey);
  if (rovingFor !== resetKey) {
    setRovingFor(resetKey);
    setRoving(0);
  }
  const active = Math.max(0, Math.min(roving, items.length - 1));
  /** A card to focus once its row is rendered: a key moved to a row that was not in the DOM. */
  const pendingFocus = useRef<number | null>(null);

  const focusCard = useCallback(
    (index: number) => {
      setRoving(index);
      const button = listRef.current?.querySelector<HTMLElement>(`[data-index="${index}"] > button`);
      if (button) {
        pendingFocus.current = null;
        button.focus();
        return;
      }
      pendingFocus.current = index;
      virtualizer.scrollToIndex(Math.floor(index / columns), { align: 'auto' });
    },
    [virtualizer, columns],
  );

  // After each render: the pending card, if its row is now in the DOM and the focus has not gone elsewhere.
  useEffect(() => {
    const index = pendingFocus.current;
    const list = listRef.current;
    if (index === null || !list) return;
    const focused = document.activeElement;
    if (focused && focused !== document.body && !list.contains(focused)) {
      pendingFocus.current = null;
      return;
    }
    const button = list.querySelector<HTMLElement>(`[data-index="${index}"] > button`);
    if (!button) return;
    pendingFocus.current = null;
    button.focus();
  });

  useEffect(() => virtualizer.measure(), [virtualizer, rowHeight]);
  useEffect(() => {
    pendingFocus.current = null;
    virtualizer.scrollToOffset(0);
  }, [virtualizer, resetKey]);
  // Keep the photo shown in the viewer on screen, so closing the viewer lands next to it.
  useEffect(() => {
    if (viewerIndex !== null) virtualizer.scrollToIndex(Math.floor(viewerIndex / columns), { align: 'auto' });
  }, [virtualizer, viewerIndex, columns]);
  // When the viewer closes, the focus goes to the card of the photo it showed last (not the one that
  // opened it), unless the query changed meanwhile or the focus went elsewhere.
  const viewed = useRef<{ index: number; key: string } | null>(null);
  useEffect(() => {
    if (viewerIndex !== null) {
      if (viewed.current?.index !== viewerIndex) viewed.current = { index: viewerIndex, key: resetKey };
      return;
    }
    const last = viewed.current;
    viewed.current = null;
    if (last === null || last.key !== resetKey || last.index >= items.length) return;
    const focused = document.activeElement;
    if (focused && focused !== document.body && !listRef.current?.contains(focused)) return;
    focusCard(last.index);
  }, [viewerIndex, resetKey, items.length, focusCard]);

  const rowCount = Math.ceil(items.length / columns);
  const lastShown = virtualizer.getVirtualItems().at(-1)?.index ?? -1;
  useEffect(() => {
    if (onNearEnd && lastShown >= rowCount - NEAR_END_ROWS) onNearEnd();
  }, [onNearEnd, lastShown, rowCount]);

  function onKeyDown(e: KeyboardEvent<HTMLDivElement>): void {
    if (e.altKey || e.ctrlKey || e.metaKey || e.shiftKey || !(e.target instanceof Element)) return;
    const card = e.target.closest<HTMLElement>('[data-index]');
    if (!card || !e.currentTarget.contains(card)) return;
    const from = Number(card.dataset.index);
    const height = scrollRef.current?.clientHeight ?? 0;
    const target = gridKeyTarget(e.key, from, items.length, columns, Math.floor((height + GAP) / rowHeight));
    if (target === null) return;
    e.preventDefault();
    if (target !== from) focusCard(target);
  }

  // While the active card's row is not in the DOM (scrolled away), the list itself is the Tab stop
  // and hands the focus on to that card.
  const rows = virtualizer.getVirtualItems();
  const activeShown = rows.some((row) => row.index === Math.floor(active / columns));

  return (
    <div ref={scrollRef} className="grid-scroller">
      <div
        ref={listRef}
        role="list"
        aria-label={label}
        aria-busy={stale}
        className={stale ? 'grid stale' : 'grid'}
        style={{ height: virtualizer.getTotalSize() }}
        tabIndex={activeShown || items.length === 0 ? undefined : 0}
        onFocus={(e) => {
          if (e.target === e.currentTarget) focusCard(active);
        }}
        // A click between cards must not focus the list (and so jump to the active card).
        onMouseDown={(e) => {
          if (e.target instanceof Element && !e.target.closest('[data-index]')) e.preventDefault();
        }}
        onKeyDown={onKeyDown}
      >
        {rows.map((row) => (
          <div
            role="none"
            key={row.key}
            className="grid-row"
            style={{ transform: `translateY(${row.start}px)`, height: rowHeight - GAP, gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`, gap: GAP }}
          >
            {rowItems(items, row.index, columns).map((item, i) => (
              <PhotoCard
                key={item.file.path}
                item={item}
                index={row.index * columns + i}
                count={items.length}
                active={row.index * columns + i === active}
                onOpen={open}
                onFocusIndex={setRoving}
              />
            ))}
          </div>
        ))}
      </div>
    </div>
  );
}

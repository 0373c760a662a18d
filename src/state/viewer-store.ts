// Which result the full-size viewer shows, if any, and stepping to the previous or next one.
import { create } from 'zustand';

/** Which result the full-size viewer shows (an index into the current result list), if any. */
export interface ViewerState {
  index: number | null;
  open(index: number): void;
  close(): void;
  step(delta: number, count: number): void;
}

export const useViewerStore = create<ViewerState>((set, get) => ({
  index: null,
  open: (index) => set({ index }),
  close: () => set({ index: null }),
  step(delta, count) {
    const i = get().index;
    if (i === null || count === 0) return;
    set({ index: Math.min(count - 1, Math.max(0, i + delta)) });
  },
}));

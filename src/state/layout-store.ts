// What the page shows around the search: whether the set-up panel (model, photos, index file)
// is open. It opens itself while something is missing; the user's own choice wins for the visit.
import { create } from 'zustand';

interface LayoutState {
  /** The user's choice; null: automatic (open while set-up is needed). */
  setupChoice: boolean | null;
  toggleSetup(open: boolean): void;
  /** The user works in the open panel: it stays open until they close it. */
  keepOpen(): void;
}

export const useLayoutStore = create<LayoutState>((set, get) => ({
  setupChoice: null,
  toggleSetup: (open) => set({ setupChoice: open }),
  keepOpen: () => {
    if (get().setupChoice === null) set({ setupChoice: true });
  },
}));

/** Set-up is needed while there is no model, no photo, or a model is being made ready. */
export function setupNeeded(s: { hasModel: boolean; fileCount: number; queued: number; modelBusy: boolean }): boolean {
  return !s.hasModel || (s.fileCount === 0 && s.queued === 0) || s.modelBusy;
}

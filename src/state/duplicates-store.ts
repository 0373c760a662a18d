// "Find duplicates" as the page drives it: the view open or closed, the similarity threshold, the
// worker's comparison with its progress, and the groups it found.
import { create } from 'zustand';
import { CancelledError } from '../worker/client';
import type { DuplicatesResult, TaskProgress } from '../worker/protocol';
import { engineClient } from './engine-client';
import { useLibraryStore } from './library-store';
import { useModelStore } from './model-store';
import { useSearchStore } from './search-store';
import { useViewerStore } from './viewer-store';

/**
 * The default similarity for "Find duplicates". On the demo model a scene saved again as JPEG
 * (quality 60 to 90) or resized a little scores 0.9998 or more with its original, while of the
 * 780 pairs of distinct gallery scenes 99 % are below 0.76 and only three reach 0.95: "twins"
 * that differ in one object's colour (0.97, 0.98, 0.99; that tiny model hardly tells them apart).
 * 0.95 keeps re-encoded, resized and lightly edited copies together with room to spare, and
 * leaves distinct photos apart.
 */
export const DEFAULT_THRESHOLD = 0.95;
export const MIN_THRESHOLD = 0.5;
export const MAX_THRESHOLD = 1;
/** Waits this long after the last threshold change before comparing (a slider sends many). */
const THRESHOLD_DEBOUNCE_MS = 300;
/** New embeddings (indexing) refresh an open view after this long. */
const LIBRARY_DEBOUNCE_MS = 1500;

export interface DuplicatesState {
  /** The view replaces the results grid. */
  open: boolean;
  threshold: number;
  /** The comparison going on (progress from the worker), if any. */
  running: TaskProgress | null;
  /** The last comparison's groups and the threshold it used (kept while the next one runs). */
  result: (DuplicatesResult & { threshold: number }) | null;
  /** The user stopped the comparison: the last result (if any) is older than the threshold. */
  stopped: boolean;
  error: string | null;

  openView(): void;
  closeView(): void;
  setThreshold(threshold: number): void;
  /** Stops the comparison going on. */
  cancel(): void;
  /** Compares again now (after a stop or an error). */
  compare(): void;
}

export function clampThreshold(t: number): number {
  return Math.min(MAX_THRESHOLD, Math.max(MIN_THRESHOLD, t));
}

export const useDuplicatesStore = create<DuplicatesState>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  /** The worker call going on, and whether the library changed while it ran. */
  let call: { id: number; threshold: number } | null = null;
  let libraryChanged = false;

  async function run(): Promise<void> {
    clearTimeout(timer);
    const mine = ++generation;
    const { threshold, open } = get();
    if (call) engineClient().cancel(call.id);
    call = null;
    if (!open || !useModelStore.getState().active) return set({ running: null });
    libraryChanged = false;
    const started = engineClient().start({ type: 'duplicates', threshold }, (progress) => {
      if (mine === generation) set({ running: progress });
    });
    call = { id: started.id, threshold };
    set({ running: { phase: 'duplicates', label: 'Comparing photos', done: 0, total: 0, rate: 0, etaSeconds: null }, stopped: false, error: null });
    try {
      const result = await started.promise;
      if (mine === generation) set({ result: { ...result, threshold } });
    } catch (e) {
      if (mine !== generation) return;
      if (e instanceof CancelledError) set({ stopped: true });
      else set({ error: `Finding duplicates failed: ${(e as Error).message}` });
    } finally {
      if (mine === generation) {
        call = null;
        set({ running: null });
        if (libraryChanged) schedule(LIBRARY_DEBOUNCE_MS);
      }
    }
  }

  function schedule(delay: number): void {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), delay);
  }

  function stop(): void {
    clearTimeout(timer);
    generation++;
    if (call) engineClient().cancel(call.id);
    call = null;
  }

  // Photos indexed while the view is open join it (a comparison going on finishes first).
  let lastRevision = useLibraryStore.getState().revision;
  useLibraryStore.subscribe((s) => {
    if (s.revision === lastRevision) return;
    lastRevision = s.revision;
    if (!get().open) return;
    if (call) libraryChanged = true;
    else schedule(LIBRARY_DEBOUNCE_MS);
  });
  // Another model: its embeddings are other vectors.
  useModelStore.subscribe((s, prev) => {
    if (s.active?.key === prev.active?.key) return;
    stop();
    set({ result: null, running: null, stopped: false, error: null });
    if (get().open && s.active) schedule(0);
  });
  // A new query (typed, or "More like this" from the viewer) goes back to the results.
  useSearchStore.subscribe((s, prev) => {
    if (get().open && (s.text !== prev.text || s.photoQuery !== prev.photoQuery)) get().closeView();
  });

  return {
    open: false,
    threshold: DEFAULT_THRESHOLD,
    running: null,
    result: null,
    stopped: false,
    error: null,

    openView() {
      if (get().open) return;
      // The viewer's index points into the list on screen, which changes.
      useViewerStore.getState().close();
      set({ open: true });
      schedule(0);
    },
    closeView() {
      if (!get().open) return;
      useViewerStore.getState().close();
      stop();
      set({ open: false, running: null });
    },
    setThreshold(threshold) {
      if (!Number.isFinite(threshold)) return;
      const t = clampThreshold(threshold);
      if (t === get().threshold) return;
      set({ threshold: t });
      if (get().open) schedule(THRESHOLD_DEBOUNCE_MS);
    },
    cancel() {
      if (!call) return;
      engineClient().cancel(call.id);
    },
    compare: () => schedule(0),
  };
});

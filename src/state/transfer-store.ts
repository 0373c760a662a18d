// Index files as the page drives them: the loaded model's index exported as a download, or one
// imported, with progress and what it did.
import { create } from 'zustand';
import { INDEX_EXTENSION } from '../engine/index-file/types';
import type { TaskProgress } from '../worker/protocol';
import { engineClient } from './engine-client';
import { plural } from '../engine/format';
import { useLibraryStore } from './library-store';
import { useModelStore } from './model-store';

export interface TransferState {
  busy: 'export' | 'import' | null;
  progress: TaskProgress | null;
  /** What the last export or import did. */
  status: string | null;
  error: string | null;

  /** Writes the loaded model's index to a file and downloads it. */
  exportIndex(): Promise<void>;
  /** Adds an index file made with the loaded model to the library. */
  importIndex(file: File): Promise<void>;
  dismissError(): void;
}

/** "longclip-index-demo-longclip-2025-01-31.lcindex". */
export function exportFileName(modelName: string, date = new Date()): string {
  const model = modelName.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^-+|-+$/g, '') || 'model';
  const day = `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`;
  return `longclip-index-${model}-${day}${INDEX_EXTENSION}`;
}

function download(blob: Blob, name: string): void {
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  document.body.append(a);
  a.click();
  a.remove();
  // The download has its own reference to the blob once it started.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
}

export const useTransferStore = create<TransferState>((set, get) => ({
  busy: null,
  progress: null,
  status: null,
  error: null,

  async exportIndex() {
    const model = useModelStore.getState().active;
    if (!model || get().busy) return;
    set({ busy: 'export', error: null, status: null });
    try {
      const result = await engineClient().call({ type: 'export-index' });
      download(result.blob, exportFileName(model.name));
      set({ status: `Exported ${plural(result.photos, 'photo')} and ${plural(result.files, 'file')} for ${model.name}.` });
    } catch (e) {
      set({ error: `The index could not be exported: ${(e as Error).message}` });
    } finally {
      set({ busy: null });
    }
  },

  async importIndex(file) {
    if (!useModelStore.getState().active || get().busy) return;
    set({ busy: 'import', error: null, status: null, progress: null });
    try {
      const r = await engineClient().call({ type: 'import-index', file }, (progress) => set({ progress }));
      await useLibraryStore.getState().reload();
      set({
        status: `Imported ${file.name}: ${plural(r.added, 'photo')} added, ${r.alreadyIndexed} already in the library, ${plural(r.filesAdded, 'file')} added.`,
      });
    } catch (e) {
      // Part of a large import may have been written before a failure: the library shows it.
      await useLibraryStore
        .getState()
        .reload()
        .catch(() => undefined);
      set({ error: (e as Error).message });
    } finally {
      set({ busy: null, progress: null });
    }
  },

  dismissError: () => set({ error: null }),
}));

// The model as the page sees it: the compute provider, the built-in, stored and hosted models,
// the one loaded, and the download / conversion / load task with its progress.
import { create } from 'zustand';
import { addImportPick } from '../engine/bundle/import-parts';
import type { WeightDType } from '../engine/graph/weights';
import { loadCatalog, type CatalogEntry } from '../models/catalog';
import { CancelledError } from '../worker/client';
import type { ComputeInfo, ModelInfo, ModelSource, PartialDownload, StoredModel, TaskProgress } from '../worker/protocol';
import { engineClient, initRequest, rememberTimedProvider } from './engine-client';

const LAST_MODEL_KEY = 'longclip-search:last-model';
const PRECISION_KEY = 'longclip-search:precision';

/** How a downloaded or imported checkpoint is converted (a converted bundle keeps its own). */
export type Precision = 'float16' | 'int8';

function savedPrecision(): Precision {
  return localStorage.getItem(PRECISION_KEY) === 'int8' ? 'int8' : 'float16';
}

export interface ModelTask extends TaskProgress {
  callId: number;
}

export interface ModelState {
  compute: ComputeInfo | null;
  catalog: CatalogEntry[];
  stored: StoredModel[];
  hosted: string[];
  /** Downloads that stopped part-way; downloading the same file again continues them. */
  partial: PartialDownload[];
  active: ModelInfo | null;
  task: ModelTask | null;
  error: string | null;
  online: boolean;
  /** Set once the worker has answered `init` and the lists are loaded. */
  ready: boolean;
  precision: Precision;
  /** Half of an import picked so far (a checkpoint without its merges file, or the other way round). */
  importPending: { files: File[]; need: string } | null;

  init(): Promise<void>;
  loadBuiltin(entry: CatalogEntry, dtype?: WeightDType): Promise<void>;
  /** Files picked for "Import model": added to a pending half import, started once complete. */
  importFiles(files: File[], dtype?: WeightDType): Promise<void>;
  clearImport(): void;
  loadStored(key: string): Promise<void>;
  loadHosted(name: string): Promise<void>;
  removeStored(key: string): Promise<void>;
  cancelTask(): void;
  dismissError(): void;
  setPrecision(precision: Precision): void;
}

export const useModelStore = create<ModelState>((set, get) => {
  /** Settles when the worker has answered `init`: a model picked before that waits for it. */
  let workerReady: Promise<unknown> = Promise.resolve();

  async function refreshLists(): Promise<void> {
    const { stored, hosted, partial = [] } = await engineClient().call({ type: 'models' });
    set({ stored, hosted, partial });
  }

  /**
   * A download going on (retrying on a bad connection, say) gives way to an import: it is
   * cancelled, its finished parts kept for a later download, and this settles once it has ended.
   */
  function afterDownload(): Promise<void> {
    const task = get().task;
    if (task?.phase !== 'download') return Promise.resolve();
    engineClient().cancel(task.callId);
    return new Promise((resolve) => {
      const stop = useModelStore.subscribe((s) => {
        if (s.task !== null) return;
        stop();
        resolve();
      });
    });
  }

  async function load(source: ModelSource): Promise<void> {
    await workerReady;
    if (get().task) return;
    const client = engineClient();
    let callId = 0;
    const call = client.start({ type: 'load-model', source }, (progress) => set({ task: { ...progress, callId } }));
    callId = call.id;
    set({ task: { phase: 'load', label: 'Starting…', done: 0, total: 0, rate: 0, etaSeconds: null, callId: call.id }, error: null });
    try {
      const info = await call.promise;
      set({ active: info, compute: info.compute });
      localStorage.setItem(LAST_MODEL_KEY, info.key);
      // Ask once that the model and the index survive storage pressure.
      void navigator.storage?.persist?.();
      await refreshLists();
    } catch (e) {
      if (!(e instanceof CancelledError)) set({ error: (e as Error).message });
      // A failed or cancelled download may have kept (or dropped) parts.
      if (source.kind === 'builtin') await refreshLists().catch(() => undefined);
    } finally {
      set({ task: null });
    }
  }

  return {
    compute: null,
    catalog: [],
    stored: [],
    hosted: [],
    partial: [],
    active: null,
    task: null,
    error: null,
    online: navigator.onLine,
    ready: false,
    precision: savedPrecision(),
    importPending: null,

    async init() {
      addEventListener('online', () => set({ online: true }));
      addEventListener('offline', () => set({ online: false }));
      const client = engineClient();
      client.on((m) => {
        if (m.type === 'compute') set((s) => ({ compute: m.compute, active: s.active ? { ...s.active, compute: m.compute } : null }));
        if (m.type === 'provider-timed') rememberTimedProvider(m.device, m.choice);
      });
      try {
        const initCall = client.call(initRequest());
        workerReady = initCall.catch(() => undefined);
        const [compute, catalog] = await Promise.all([initCall, loadCatalog(location.search)]);
        set({ compute, catalog });
        await refreshLists();
      } catch (e) {
        set({ error: (e as Error).message });
      }
      set({ ready: true });
      // A second visit starts from storage: the last model used, else any stored or hosted one.
      const { stored, hosted } = get();
      const last = localStorage.getItem(LAST_MODEL_KEY);
      const pick = stored.find((m) => m.key === last) ?? stored[0];
      if (pick) await load({ kind: 'stored', key: pick.key });
      else if (hosted[0]) await load({ kind: 'hosted', name: hosted[0] });
    },

    loadBuiltin: (entry, dtype = get().precision) => load({ kind: 'builtin', entry, dtype }),
    importFiles(files, dtype = get().precision) {
      const parts = addImportPick(get().importPending?.files ?? [], files);
      if (parts.kind === 'waiting') {
        set({ importPending: { files: parts.files, need: parts.need }, error: null });
        return Promise.resolve();
      }
      set({ importPending: null });
      // Unusable files go on too: the worker says what an import needs.
      return afterDownload().then(() => load({ kind: 'files', files: parts.files, dtype }));
    },
    clearImport: () => set({ importPending: null }),
    loadStored: (key) => load({ kind: 'stored', key }),
    loadHosted: (name) => load({ kind: 'hosted', name }),

    async removeStored(key) {
      try {
        await engineClient().call({ type: 'delete-model', key });
        await refreshLists();
      } catch (e) {
        set({ error: (e as Error).message });
      }
    },

    cancelTask() {
      const task = get().task;
      if (task) engineClient().cancel(task.callId);
    },

    dismissError: () => set({ error: null }),

    setPrecision(precision) {
      localStorage.setItem(PRECISION_KEY, precision);
      set({ precision });
    },
  };
});

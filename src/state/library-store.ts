import { create } from 'zustand';
import { openLibraryDb, type LibraryDb } from '../library/db';
import { classifyFiles, filesFromDataTransfer, filesFromDirectoryHandle, filesFromInput } from '../library/intake';
import type { FileRecord } from '../library/schema';
import { CancelledError } from '../worker/client';
import type { IntakeFile, TaskProgress } from '../worker/protocol';
import { engineClient } from './engine-client';
import { useModelStore } from './model-store';

export interface IndexingState extends TaskProgress {
  callId: number;
  paused: boolean;
}

export interface LastRun {
  /** Files of the library indexed for the current model. */
  indexed: number;
  /** Image-encoder runs in the worker since the page loaded. */
  newlyEmbedded: number;
}

export interface LibraryState {
  files: FileRecord[];
  /** Hashes with an embedding under the active model. */
  embedded: ReadonlySet<string>;
  indexing: IndexingState | null;
  /** Added while no model was ready: indexed as soon as one is. */
  waiting: IntakeFile[];
  lastRun: LastRun | null;
  skipped: { path: string; reason: string }[];
  folders: string[];
  error: string | null;
  /** Bumped whenever embeddings were written (the search refreshes on it). */
  revision: number;

  init(): Promise<void>;
  addFileList(list: FileList): Promise<void>;
  addDataTransfer(dt: DataTransfer): Promise<void>;
  pickFolder(): Promise<void>;
  rescanFolder(name: string): Promise<void>;
  forgetFolder(name: string): Promise<void>;
  pause(): void;
  resume(): void;
  cancel(): void;
  thumbnail(hash: string): Promise<Blob | null>;
  /** The file itself when it was added in this page session (full-size viewing); null after a reload. */
  sessionFile(path: string): File | null;
  dismissError(): void;
}

export const canPickFolders = typeof window !== 'undefined' && 'showDirectoryPicker' in window;

let db: LibraryDb | null = null;
async function database(): Promise<LibraryDb> {
  db ??= await openLibraryDb(() => {
    db = null;
  });
  return db;
}

export const useLibraryStore = create<LibraryState>((set, get) => {
  let embeddedSinceLoad = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const sessionFiles = new Map<string, File>();

  async function refresh(): Promise<void> {
    const d = await database();
    const model = useModelStore.getState().active?.key;
    const files = (await d.getAll('files')).sort((a, b) => a.path.localeCompare(b.path));
    const keys = model ? await d.getAllKeysFromIndex('embeddings', 'by-model', model) : [];
    set({ files, embedded: new Set(keys.map((k) => k[1])) });
  }

  async function index(intake: IntakeFile[]): Promise<void> {
    const { accepted, skipped } = classifyFiles(intake);
    set((s) => ({ skipped: [...s.skipped, ...skipped] }));
    if (!accepted.length) return;
    for (const f of accepted) sessionFiles.set(f.path, f.file);
    if (!useModelStore.getState().active || get().indexing) {
      set((s) => ({ waiting: [...s.waiting, ...accepted] }));
      return;
    }
    const client = engineClient();
    let callId = 0;
    const call = client.start({ type: 'index', files: accepted }, (p) => set((s) => ({ indexing: { ...p, callId, paused: s.indexing?.paused ?? false } })));
    callId = call.id;
    set({ indexing: { phase: 'index', label: 'Indexing', done: 0, total: accepted.length, rate: 0, etaSeconds: null, callId: call.id, paused: false }, lastRun: null });
    try {
      const summary = await call.promise;
      set((s) => ({ skipped: [...s.skipped, ...summary.skipped] }));
    } catch (e) {
      if (!(e instanceof CancelledError)) set({ error: (e as Error).message });
    } finally {
      await refresh();
      const { files, embedded } = get();
      set({ indexing: null, lastRun: { indexed: files.filter((f) => embedded.has(f.hash)).length, newlyEmbedded: embeddedSinceLoad } });
    }
    const next = get().waiting;
    if (next.length) {
      set({ waiting: [] });
      await index(next);
    }
  }

  return {
    files: [],
    embedded: new Set(),
    indexing: null,
    waiting: [],
    lastRun: null,
    skipped: [],
    folders: [],
    error: null,
    revision: 0,

    async init() {
      engineClient().on((m) => {
        if (m.type === 'indexed') {
          embeddedSinceLoad = m.embeddedSinceLoad;
          set((s) => ({ embedded: new Set([...s.embedded, ...m.hashes]), revision: s.revision + 1 }));
          // New files become visible (and rankable) while the run goes on.
          clearTimeout(refreshTimer);
          refreshTimer = setTimeout(() => void refresh(), 300);
        } else if (m.type === 'indexing-state') {
          set((s) => ({ indexing: s.indexing ? { ...s.indexing, paused: m.paused } : null }));
        }
      });
      // Switching models changes which photos count as indexed; queued photos start then.
      useModelStore.subscribe((s, prev) => {
        if (s.active?.key === prev.active?.key) return;
        void refresh().then(() => {
          set((st) => ({ revision: st.revision + 1 }));
          const waiting = get().waiting;
          if (s.active && waiting.length) {
            set({ waiting: [] });
            void index(waiting);
          }
        });
      });
      try {
        await refresh();
        const d = await database();
        set({ folders: (await d.getAllKeys('folders')).sort() });
      } catch (e) {
        set({ error: `The photo library could not be opened: ${(e as Error).message}` });
      }
    },

    addFileList: (list) => index(filesFromInput(list)),
    addDataTransfer: async (dt) => index(await filesFromDataTransfer(dt)),

    async pickFolder() {
      const picker = (window as unknown as { showDirectoryPicker?: (o?: object) => Promise<FileSystemDirectoryHandle> }).showDirectoryPicker;
      if (!picker) return;
      let handle: FileSystemDirectoryHandle;
      try {
        handle = await picker({ id: 'photos', mode: 'read' });
      } catch {
        return; // the user closed the picker
      }
      const d = await database();
      await d.put('folders', { name: handle.name, handle, addedAt: Date.now() });
      set({ folders: (await d.getAllKeys('folders')).sort() });
      await index(await filesFromDirectoryHandle(handle));
    },

    async rescanFolder(name) {
      const d = await database();
      const record = await d.get('folders', name);
      if (!record) return;
      const h = record.handle as FileSystemDirectoryHandle & { requestPermission?: (o: object) => Promise<PermissionState> };
      if (h.requestPermission && (await h.requestPermission({ mode: 'read' })) !== 'granted') {
        set({ error: `No permission to read the folder "${name}".` });
        return;
      }
      await index(await filesFromDirectoryHandle(record.handle));
    },

    async forgetFolder(name) {
      const d = await database();
      await d.delete('folders', name);
      set({ folders: (await d.getAllKeys('folders')).sort() });
    },

    pause() {
      void engineClient().call({ type: 'pause-indexing' });
    },
    resume() {
      void engineClient().call({ type: 'resume-indexing' });
    },
    cancel() {
      const task = get().indexing;
      if (task) engineClient().cancel(task.callId);
      set({ waiting: [] });
    },

    async thumbnail(hash) {
      const record = await (await database()).get('thumbnails', hash);
      return record?.blob ?? null;
    },

    sessionFile: (path) => sessionFiles.get(path) ?? null,

    dismissError: () => set({ error: null }),
  };
});

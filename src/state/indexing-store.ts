// The indexing run as the page drives it: photos added (inputs, drops, folders) are queued in
// the library (they survive a reload) and the worker indexes the queue once a model is ready;
// pause, cancel, folders that need permission again, and resuming what a closed tab left.
import { create } from 'zustand';
import { plural } from '../engine/format';
import { describeCheck, problemsFound } from '../library/integrity';
import { classifyFiles, filesFromDataTransfer, filesFromDirectoryHandle, filesFromInput } from '../library/intake';
import type { IntakeFile } from '../library/intake-file';
import { clearQueue, enqueue, foldersNeedingPermission, isQuotaError, queuedCount, queuedSkips, requestPermission } from '../library/queue';
import { CancelledError } from '../worker/client';
import type { TaskProgress } from '../worker/protocol';
import { engineClient } from './engine-client';
import { libraryDb, useLibraryStore } from './library-store';
import { useModelStore } from './model-store';

export interface IndexingState extends TaskProgress {
  callId: number;
  paused: boolean;
}

export interface LastRun {
  /** Photos the image encoder embedded in this run. */
  newlyEmbedded: number;
}

/** A remembered folder whose queued files wait for the user's permission to read it again. */
export interface FolderWaiting {
  name: string;
  files: number;
  handle: FileSystemDirectoryHandle;
}

export interface IndexingStoreState {
  indexing: IndexingState | null;
  /** Files queued while no model is ready: indexed as soon as one is. */
  queued: number;
  lastRun: LastRun | null;
  /** Queued files whose folder needs permission again (requestPermission needs a click: "Resume indexing"). */
  permissionNeeded: FolderWaiting[];

  /** Lists what a closed tab left queued and starts indexing when a model is ready; after the library store's init. */
  init(): Promise<void>;
  addFileList(list: FileList): Promise<void>;
  addDataTransfer(dt: DataTransfer): Promise<void>;
  pickFolder(): Promise<void>;
  rescanFolder(name: string): Promise<void>;
  pause(): void;
  resume(): void;
  cancel(): void;
  /** Asks for the folders' permission again (from a click) and indexes what waited for it. */
  resumeWithPermission(): Promise<void>;
  /** Drops everything still queued. */
  discardQueue(): Promise<void>;
}

export const canPickFolders = typeof window !== 'undefined' && 'showDirectoryPicker' in window;

const STORAGE_FULL_QUEUE =
  'Storage is full: the photos could not be queued for indexing. Free some space (or delete a stored model), then add them again; the photos indexed so far are kept.';

const library = () => useLibraryStore.getState();

export const useIndexingStore = create<IndexingStoreState>((set, get) => {
  /** Counted by the worker since its model loaded (the last run's "newly embedded" is the difference). */
  let embeddedSinceLoad = 0;
  /** A queue run is going (set synchronously, before any await, so two starts cannot race). */
  let runActive = false;
  /** Files were queued while the run went on (it may have ended before it saw them). */
  let addedDuringRun = false;
  /** Files still queued when the page opened (left by a closed tab): what the start-up run resumes. */
  let leftFromBefore = 0;
  /** The start-up resume ran (once, when the first model is ready). */
  let started = false;
  /** Models whose embeddings were checked in this page (each once, when first loaded). */
  const checked = new Set<string>();

  /** Queues what was added (it survives a reload) and starts indexing it. */
  async function index(intake: IntakeFile[], root?: FileSystemDirectoryHandle): Promise<void> {
    const { accepted, skipped } = classifyFiles(intake);
    library().addSkipped(skipped);
    if (!accepted.length) return;
    library().rememberFiles(accepted);
    try {
      await enqueue(await libraryDb(), accepted, root);
    } catch (e) {
      if (isQuotaError(e)) library().fail(new Error(STORAGE_FULL_QUEUE));
      else library().fail(e, 'The photos could not be queued for indexing: ');
      return;
    }
    if (runActive) addedDuringRun = true;
    await kick().catch((e: unknown) => library().fail(e));
  }

  async function waitingFolders(): Promise<FolderWaiting[]> {
    return (await foldersNeedingPermission(await libraryDb())).map(({ name, files, handle }) => ({ name, files, handle }));
  }

  /** Indexes the queue when a model is ready; a run already going takes the new files. */
  async function kick(resume = false): Promise<void> {
    if (library().closed) return;
    const model = useModelStore.getState();
    const db = await libraryDb();
    if (!model.active || model.task) {
      set({ queued: await queuedCount(db) });
      return;
    }
    if (runActive) {
      void engineClient()
        .call({ type: 'index-queue', join: true })
        .catch(() => undefined);
      return;
    }
    const count = await queuedCount(db);
    const waiting = count ? await waitingFolders() : [];
    set({ queued: 0, permissionNeeded: waiting });
    const ready = count - waiting.reduce((n, f) => n + f.files, 0);
    if (ready <= 0 || runActive) return;
    // Only files a closed tab left are "resumed"; files added while the model was loading are not.
    if (resume && leftFromBefore > 0) library().notice(`Resuming indexing: ${plural(Math.min(ready, leftFromBefore), 'photo')} left.`);
    if (resume) leftFromBefore = 0;
    await run();
  }

  async function run(): Promise<void> {
    runActive = true;
    addedDuringRun = false;
    const base = embeddedSinceLoad;
    let callId = 0;
    const call = engineClient().start({ type: 'index-queue', join: false }, (p) =>
      set((s) => ({ indexing: { ...p, callId, paused: s.indexing?.paused ?? false } })),
    );
    callId = call.id;
    set({ indexing: { phase: 'index', label: 'Indexing', done: 0, total: 0, rate: 0, etaSeconds: null, callId, paused: false }, lastRun: null });
    let again = false;
    let stopped = false;
    try {
      const summary = await call.promise;
      library().addSkipped(summary.skipped);
      stopped = summary.stopped !== null;
      // Another model is loading: the queue is indexed again under it. Files queued at the very
      // end of the run may not have been seen by it.
      again = summary.stopped === 'model-changed' || (addedDuringRun && summary.left > summary.waitingForPermission);
      if (summary.waitingForPermission) set({ permissionNeeded: await waitingFolders() });
    } catch (e) {
      if (!(e instanceof CancelledError)) library().fail(e);
    } finally {
      runActive = false;
      // The run's files are in already: the worker announced each batch's (library-store merges them).
      set({ indexing: null, lastRun: stopped ? null : { newlyEmbedded: embeddedSinceLoad - base } });
    }
    if (again) await kick();
  }

  /**
   * A model is ready: check the library under it (once per model and page), then index what is
   * queued; the first time, that is resuming what a closed tab left.
   */
  async function onModelReady(): Promise<void> {
    const key = useModelStore.getState().active?.key;
    const first = !started;
    started = true;
    if (key && !checked.has(key)) {
      checked.add(key);
      try {
        const report = await engineClient().call({ type: 'check-index' });
        // A passed check says nothing: notices are for something to do or to know.
        if (problemsFound(report)) {
          library().notice(describeCheck(report), 'warning');
          await library().reload();
        }
      } catch (e) {
        library().fail(e, 'The library check failed: ');
      }
    }
    await kick(first);
  }

  return {
    indexing: null,
    queued: 0,
    lastRun: null,
    permissionNeeded: [],

    async init() {
      engineClient().on((m) => {
        if (m.type === 'indexed') embeddedSinceLoad = m.embeddedSinceLoad;
        else if (m.type === 'indexing-state') set((s) => ({ indexing: s.indexing ? { ...s.indexing, paused: m.paused } : null }));
      });
      // Queued photos start once a model is ready; the last run's line spoke of the previous model.
      useModelStore.subscribe((s, prev) => {
        const switched = s.active?.key !== prev.active?.key;
        const loadEnded = prev.task !== null && s.task === null;
        if (switched) set({ lastRun: null });
        if ((switched || loadEnded) && s.active && !s.task) void onModelReady().catch((e: unknown) => library().fail(e));
      });
      try {
        const db = await libraryDb();
        // Files skipped by a queued job before a reload are listed again.
        library().addSkipped(await queuedSkips(db));
        leftFromBefore = await queuedCount(db);
        set({ queued: leftFromBefore });
      } catch (e) {
        library().fail(e, 'The photo library could not be opened: ');
        return;
      }
      const model = useModelStore.getState();
      if (model.active && !model.task) await onModelReady().catch((e: unknown) => library().fail(e));
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
      await (await libraryDb()).put('folders', { name: handle.name, handle, addedAt: Date.now() });
      await library().listFolders();
      await index(await filesFromDirectoryHandle(handle), handle);
    },

    async rescanFolder(name) {
      const record = await (await libraryDb()).get('folders', name);
      if (!record) return;
      if ((await requestPermission(record.handle)) !== 'granted') {
        library().fail(new Error(`No permission to read the folder "${name}".`));
        return;
      }
      await index(await filesFromDirectoryHandle(record.handle), record.handle);
    },

    pause() {
      void engineClient().call({ type: 'pause-indexing' });
    },
    resume() {
      void engineClient().call({ type: 'resume-indexing' });
    },
    cancel() {
      const task = get().indexing;
      // The worker drops the queue when its run is cancelled; without a run it is dropped here.
      if (task) engineClient().cancel(task.callId);
      else void get().discardQueue();
      set({ queued: 0, permissionNeeded: [] });
    },

    async resumeWithPermission() {
      // requestPermission needs the click's user activation: no other await comes first.
      for (const folder of get().permissionNeeded) {
        if ((await requestPermission(folder.handle)) !== 'granted') {
          library().fail(new Error(`No permission to read the folder "${folder.name}": its photos stay queued.`));
          return;
        }
      }
      set({ permissionNeeded: [] });
      await kick().catch((e: unknown) => library().fail(e));
    },

    async discardQueue() {
      try {
        await clearQueue(await libraryDb());
        set({ queued: 0, permissionNeeded: [] });
      } catch (e) {
        library().fail(e);
      }
    },
  };
});

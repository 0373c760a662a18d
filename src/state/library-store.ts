import { create } from 'zustand';
import { CLOSED_BY_BROWSER, isVersionError, openLibraryDb, UPDATED_IN_ANOTHER_TAB, type ClosedReason, type LibraryDb } from '../library/db';
import { describeCheck, problemsFound } from '../library/integrity';
import { classifyFiles, filesFromDataTransfer, filesFromDirectoryHandle, filesFromInput } from '../library/intake';
import { clearQueue, enqueue, foldersNeedingPermission, isQuotaError, queuedCount, queuedSkips, requestPermission } from '../library/queue';
import type { FileRecord } from '../library/schema';
import { CancelledError } from '../worker/client';
import type { IntakeFile, TaskProgress } from '../worker/protocol';
import { engineClient } from './engine-client';
import { plural } from '../engine/format';
import { useModelStore } from './model-store';

export interface IndexingState extends TaskProgress {
  callId: number;
  paused: boolean;
}

export interface LastRun {
  /** Files of the library indexed for the current model. */
  indexed: number;
  /** Photos the image encoder embedded in this run. */
  newlyEmbedded: number;
}

/** A short message about the library (the start-up check, a resumed run). */
export interface LibraryNotice {
  id: number;
  text: string;
  tone: 'info' | 'warning';
}

/** A remembered folder whose queued files wait for the user's permission to read it again. */
export interface FolderWaiting {
  name: string;
  files: number;
  handle: FileSystemDirectoryHandle;
}

export interface LibraryState {
  files: FileRecord[];
  /** Hashes with an embedding under the active model. */
  embedded: ReadonlySet<string>;
  indexing: IndexingState | null;
  /** Files queued while no model is ready: indexed as soon as one is. */
  queued: number;
  lastRun: LastRun | null;
  skipped: { path: string; reason: string }[];
  folders: string[];
  error: string | null;
  /** Bumped whenever embeddings were written (the search refreshes on it). */
  revision: number;
  notices: LibraryNotice[];
  /** Queued files whose folder needs permission again (requestPermission needs a click: "Resume indexing"). */
  permissionNeeded: FolderWaiting[];
  /** Set when the database was closed under this page (another tab upgraded it): the page must reload. */
  closed: string | null;
  /** This page's database upgrade waits for another tab that keeps the older version open. */
  blocked: boolean;

  init(): Promise<void>;
  addFileList(list: FileList): Promise<void>;
  addDataTransfer(dt: DataTransfer): Promise<void>;
  pickFolder(): Promise<void>;
  rescanFolder(name: string): Promise<void>;
  forgetFolder(name: string): Promise<void>;
  pause(): void;
  resume(): void;
  cancel(): void;
  /** Asks for the folders' permission again (from a click) and indexes what waited for it. */
  resumeWithPermission(): Promise<void>;
  /** Drops everything still queued. */
  discardQueue(): Promise<void>;
  /** Reads the library again and re-ranks (after something other than an indexing run wrote to it: an imported index). */
  reload(): Promise<void>;
  thumbnail(hash: string): Promise<Blob | null>;
  /** The file itself when it was added in this page session (full-size viewing); null after a reload. */
  sessionFile(path: string): File | null;
  dismissError(): void;
  dismissNotice(id: number): void;
}

export const canPickFolders = typeof window !== 'undefined' && 'showDirectoryPicker' in window;

/**
 * Test hooks, with `?e2e` only: `indexDelay=ms` slows each encoder batch (to stop a page in the
 * middle of a run); `storageFullAfter=n` makes the worker's writes fail as a full disk does once
 * n embeddings of the model are stored.
 */
function testHooks(): { testDelayMs?: number; testStorageFullAfter?: number } {
  if (typeof location === 'undefined') return {};
  const params = new URLSearchParams(location.search);
  if (!params.has('e2e')) return {};
  const delay = Number(params.get('indexDelay') ?? 0) || 0;
  const full = params.get('storageFullAfter');
  return { ...(delay > 0 ? { testDelayMs: delay } : {}), ...(full !== null && Number.isFinite(Number(full)) ? { testStorageFullAfter: Number(full) } : {}) };
}

const STORAGE_FULL_QUEUE =
  'Storage is full: the photos could not be queued for indexing. Free some space (or delete a stored model), then add them again; the photos indexed so far are kept.';

export const useLibraryStore = create<LibraryState>((set, get) => {
  let embeddedSinceLoad = 0;
  let refreshTimer: ReturnType<typeof setTimeout> | undefined;
  const sessionFiles = new Map<string, File>();
  let opening: Promise<LibraryDb> | null = null;
  let closedMessage: string | null = null;
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
  let nextNotice = 1;

  function markClosed(reason: ClosedReason): void {
    closedMessage = reason === 'versionchange' ? UPDATED_IN_ANOTHER_TAB : CLOSED_BY_BROWSER;
    opening = null;
    set({ closed: closedMessage, blocked: false });
  }

  function database(): Promise<LibraryDb> {
    if (closedMessage) return Promise.reject(new Error(closedMessage));
    opening ??= openLibraryDb({
      onClosed: markClosed,
      onBlocked: () => set({ blocked: true }),
    }).then(
      (d) => {
        if (get().blocked) set({ blocked: false });
        return d;
      },
      (e: unknown) => {
        opening = null;
        if (isVersionError(e)) {
          markClosed('versionchange');
          throw new Error(UPDATED_IN_ANOTHER_TAB);
        }
        throw e;
      },
    );
    return opening;
  }

  function notice(text: string, tone: LibraryNotice['tone'] = 'info'): void {
    set((s) => ({ notices: [...s.notices.slice(-3), { id: nextNotice++, text, tone }] }));
  }

  function fail(prefix: string) {
    return (e: unknown) => {
      if (!closedMessage) set({ error: `${prefix}${(e as Error).message}` });
    };
  }

  async function refresh(): Promise<void> {
    const d = await database();
    const model = useModelStore.getState().active?.key;
    const files = (await d.getAll('files')).sort((a, b) => a.path.localeCompare(b.path));
    const keys = model ? await d.getAllKeysFromIndex('embeddings', 'by-model', model) : [];
    const embedded = new Set(keys.map((k) => k[1]));
    // The last run's line counts the library as it is now (another tab may have indexed more).
    set((s) => ({ files, embedded, lastRun: s.lastRun && { ...s.lastRun, indexed: files.filter((f) => embedded.has(f.hash)).length } }));
  }

  /** Queues what was added (it survives a reload) and starts indexing it. */
  async function index(intake: IntakeFile[], root?: FileSystemDirectoryHandle): Promise<void> {
    const { accepted, skipped } = classifyFiles(intake);
    set((s) => ({ skipped: [...s.skipped, ...skipped] }));
    if (!accepted.length) return;
    for (const f of accepted) sessionFiles.set(f.path, f.file);
    try {
      await enqueue(await database(), accepted, root);
    } catch (e) {
      if (closedMessage) return;
      set({ error: isQuotaError(e) ? STORAGE_FULL_QUEUE : `The photos could not be queued for indexing: ${(e as Error).message}` });
      return;
    }
    if (runActive) addedDuringRun = true;
    await kick().catch(fail(''));
  }

  /** Indexes the queue when a model is ready; a run already going takes the new files. */
  async function kick(resume = false): Promise<void> {
    if (closedMessage) return;
    const model = useModelStore.getState();
    const d = await database();
    if (!model.active || model.task) {
      set({ queued: await queuedCount(d) });
      return;
    }
    if (runActive) {
      void engineClient().call({ type: 'index-queue', join: true }).catch(() => undefined);
      return;
    }
    const count = await queuedCount(d);
    const waiting = count ? await foldersNeedingPermission(d) : [];
    set({ queued: 0, permissionNeeded: waiting.map(({ name, files, handle }) => ({ name, files, handle })) });
    const ready = count - waiting.reduce((n, f) => n + f.files, 0);
    if (ready <= 0 || runActive) return;
    // Only files a closed tab left are "resumed"; files added while the model was loading are not.
    if (resume && leftFromBefore > 0) notice(`Resuming indexing: ${plural(Math.min(ready, leftFromBefore), 'photo')} left.`);
    if (resume) leftFromBefore = 0;
    await run();
  }

  async function run(): Promise<void> {
    runActive = true;
    addedDuringRun = false;
    const base = embeddedSinceLoad;
    const client = engineClient();
    let callId = 0;
    const call = client.start({ type: 'index-queue', join: false, ...testHooks() }, (p) =>
      set((s) => ({ indexing: { ...p, callId, paused: s.indexing?.paused ?? false } })),
    );
    callId = call.id;
    set({ indexing: { phase: 'index', label: 'Indexing', done: 0, total: 0, rate: 0, etaSeconds: null, callId, paused: false }, lastRun: null });
    let again = false;
    let stopped = false;
    try {
      const summary = await call.promise;
      set((s) => ({ skipped: [...s.skipped, ...summary.skipped] }));
      stopped = summary.stopped !== null;
      // Another model is loading: the queue is indexed again under it. Files queued at the very
      // end of the run may not have been seen by it.
      again = summary.stopped === 'model-changed' || (addedDuringRun && summary.left > summary.waitingForPermission);
      if (summary.waitingForPermission) {
        const waiting = await foldersNeedingPermission(await database());
        set({ permissionNeeded: waiting.map(({ name, files, handle }) => ({ name, files, handle })) });
      }
    } catch (e) {
      if (!(e instanceof CancelledError)) fail('')(e);
    } finally {
      runActive = false;
      await refresh().catch(() => undefined);
      const { files, embedded } = get();
      set({ indexing: null, lastRun: stopped ? null : { indexed: files.filter((f) => embedded.has(f.hash)).length, newlyEmbedded: embeddedSinceLoad - base } });
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
        const problems = problemsFound(report);
        // A passed check is mentioned at start-up only, and only where there is a library to check.
        if (problems || (first && report.photos > 0)) notice(describeCheck(report), problems ? 'warning' : 'info');
        if (problems) {
          await refresh();
          set((s) => ({ revision: s.revision + 1 }));
        }
      } catch (e) {
        fail('The library check failed: ')(e);
      }
    }
    await kick(first);
  }

  return {
    files: [],
    embedded: new Set(),
    indexing: null,
    queued: 0,
    lastRun: null,
    skipped: [],
    folders: [],
    error: null,
    revision: 0,
    notices: [],
    permissionNeeded: [],
    closed: null,
    blocked: false,

    async init() {
      engineClient().on((m) => {
        if (m.type === 'indexed') {
          embeddedSinceLoad = m.embeddedSinceLoad;
          set((s) => ({ embedded: new Set([...s.embedded, ...m.hashes]), revision: s.revision + 1 }));
          // New files become visible (and rankable) while the run goes on.
          clearTimeout(refreshTimer);
          refreshTimer = setTimeout(() => void refresh().catch(() => undefined), 300);
        } else if (m.type === 'indexing-state') {
          set((s) => ({ indexing: s.indexing ? { ...s.indexing, paused: m.paused } : null }));
        }
      });
      // Switching models changes which photos count as indexed; queued photos start once a model is ready.
      useModelStore.subscribe((s, prev) => {
        const switched = s.active?.key !== prev.active?.key;
        const loadEnded = prev.task !== null && s.task === null;
        if (!switched && !loadEnded) return;
        void (async () => {
          if (switched) {
            // The last run's line spoke of the previous model.
            set({ lastRun: null });
            await refresh();
            set((st) => ({ revision: st.revision + 1 }));
          }
          if (s.active && !s.task) await onModelReady();
        })().catch(fail(''));
      });
      try {
        await refresh();
        const d = await database();
        // Files skipped by a queued job before a reload are listed again.
        const skippedBefore = await queuedSkips(d);
        const folders = (await d.getAllKeys('folders')).sort();
        const queued = await queuedCount(d);
        leftFromBefore = queued;
        set((s) => ({ folders, queued, skipped: [...s.skipped, ...skippedBefore] }));
      } catch (e) {
        if (!closedMessage) set({ error: `The photo library could not be opened: ${(e as Error).message}` });
        return;
      }
      const model = useModelStore.getState();
      if (model.active && !model.task) await onModelReady().catch(fail(''));
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
      await index(await filesFromDirectoryHandle(handle), handle);
    },

    async rescanFolder(name) {
      const d = await database();
      const record = await d.get('folders', name);
      if (!record) return;
      if ((await requestPermission(record.handle)) !== 'granted') {
        set({ error: `No permission to read the folder "${name}".` });
        return;
      }
      await index(await filesFromDirectoryHandle(record.handle), record.handle);
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
      // The worker drops the queue when its run is cancelled; without a run it is dropped here.
      if (task) engineClient().cancel(task.callId);
      else void get().discardQueue();
      set({ queued: 0, permissionNeeded: [] });
    },

    async resumeWithPermission() {
      // requestPermission needs the click's user activation: no other await comes first.
      for (const folder of get().permissionNeeded) {
        if ((await requestPermission(folder.handle)) !== 'granted') {
          set({ error: `No permission to read the folder "${folder.name}": its photos stay queued.` });
          return;
        }
      }
      set({ permissionNeeded: [] });
      await kick().catch(fail(''));
    },

    async discardQueue() {
      try {
        await clearQueue(await database());
        set({ queued: 0, permissionNeeded: [] });
      } catch (e) {
        fail('')(e);
      }
    },

    async reload() {
      await refresh();
      set((s) => ({ revision: s.revision + 1 }));
    },

    async thumbnail(hash) {
      try {
        const record = await (await database()).get('thumbnails', hash);
        return record?.blob ?? null;
      } catch {
        return null; // the library was closed under the page (the notice says so)
      }
    },

    sessionFile: (path) => sessionFiles.get(path) ?? null,

    dismissError: () => set({ error: null }),
    dismissNotice: (id) => set((s) => ({ notices: s.notices.filter((n) => n.id !== id) })),
  };
});

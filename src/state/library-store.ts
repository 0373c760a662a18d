// The library as the page shows it: its files, which photos have embeddings under the loaded
// model, remembered folders, skipped files and short notices. The indexing run that fills it
// is indexing-store.ts's.
import { create } from 'zustand';
import { LibraryConnection } from '../library/connection';
import type { LibraryDb } from '../library/db';
import type { FileRecord } from '../library/schema';
import { readInChunks } from '../library/read-chunks';
import { engineClient } from './engine-client';
import { filesByHash } from './files-by-hash';
import { NO_STATS, statsOf, withEmbedded, withFiles, type LibraryStats } from './library-stats';
import { mergeFiles } from './merge-files';
import { FilesByHashView, HashSetView } from './shared-views';
import { useModelStore } from './model-store';

/** A short message about the library (the start-up check, a resumed run). */
export interface LibraryNotice {
  id: number;
  text: string;
  tone: 'info' | 'warning';
}

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface LibraryState {
  files: FileRecord[];
  /**
   * The files grouped by photo (content hash). Updated in place as files arrive, with `files`
   * (a new array each time), so a 300k library is never grouped again per batch.
   */
  byHash: FilesByHashView;
  /** Hashes with an embedding under the active model. */
  embedded: HashSetView;
  /** The indexed-file count, folders and photo types, kept up to date batch by batch. */
  stats: LibraryStats;
  skipped: SkippedFile[];
  folders: string[];
  error: string | null;
  /** Bumped whenever embeddings were written (duplicates refresh on it). */
  revision: number;
  /** Bumped when the library was read again after something other than indexing wrote to it (the search ranks again). */
  reloads: number;
  notices: LibraryNotice[];
  /** Set when the database was closed under this page (another tab upgraded it): the page must reload. */
  closed: string | null;
  /** This page's database upgrade waits for another tab that keeps the older version open. */
  blocked: boolean;

  /** Reads the library; false when it cannot be opened (the error says why). */
  init(): Promise<boolean>;
  /** Reads the files and the embedded set again. */
  refresh(): Promise<void>;
  /** Reads the library again and re-ranks (after something other than an indexing run wrote to it: an imported index). */
  reload(): Promise<void>;
  addSkipped(skipped: readonly SkippedFile[]): void;
  notice(text: string, tone?: LibraryNotice['tone']): void;
  /** Shows an error (`prefix` + its message), unless the library was closed under the page (that has its own notice). */
  fail(e: unknown, prefix?: string): void;
  /** Keeps the Files added in this page session, for full-size viewing. */
  rememberFiles(files: readonly { file: File; path: string }[]): void;
  listFolders(): Promise<void>;
  forgetFolder(name: string): Promise<void>;
  thumbnail(hash: string): Promise<Blob | null>;
  /** The file itself when it was added in this page session (full-size viewing); null after a reload. */
  sessionFile(path: string): File | null;
  dismissError(): void;
  dismissNotice(id: number): void;
}

const connection = new LibraryConnection({
  onClosed: (_reason, message) => useLibraryStore.setState({ closed: message, blocked: false }),
  onBlocked: () => useLibraryStore.setState({ blocked: true }),
  onOpened: () => {
    if (useLibraryStore.getState().blocked) useLibraryStore.setState({ blocked: false });
  },
});

/** The library database of this page (shared by the stores; the worker has its own connection). */
export function libraryDb(): Promise<LibraryDb> {
  return connection.open();
}

export const useLibraryStore = create<LibraryState>((set, get) => {
  const sessionFiles = new Map<string, File>();
  let nextNotice = 1;
  /** Photos announced as indexed whose files are still to read; one read at a time. */
  let pending: string[] = [];
  let reading = false;
  /** The read of the whole library going on, if any. */
  let readingAll: Promise<void> | null = null;

  function refresh(): Promise<void> {
    const run = readAll().finally(() => {
      if (readingAll === run) readingAll = null;
    });
    readingAll = run;
    return run;
  }

  async function readAll(): Promise<void> {
    const db = await libraryDb();
    const model = useModelStore.getState().active?.key;
    // In path order (mergeFiles keeps it), in chunks: the worker's start-up reads go on between them.
    const files = await readInChunks(db.transaction('files').store, (f) => f.path);
    const hashes = model ? await embeddedHashes() : [];
    const embedded = new HashSetView(new Set(hashes));
    set({ files, byHash: new FilesByHashView(filesByHash(files)), embedded, stats: statsOf(files, embedded) });
  }

  /** Reads which photos the active model has embedded (the files stay as read). */
  async function refreshEmbedded(): Promise<void> {
    const hashes = useModelStore.getState().active ? await embeddedHashes() : [];
    const embedded = new HashSetView(new Set(hashes));
    set((s) => ({ embedded, stats: statsOf(s.files, embedded), revision: s.revision + 1, reloads: s.reloads + 1 }));
  }

  /** The loaded model's embedded photos, as its worker ranks them (reading 300k keys from IndexedDB took seconds). */
  function embeddedHashes(): Promise<string[]> {
    return engineClient().call({ type: 'embedded' });
  }

  /** Reads the files of newly indexed photos (not the whole library) and merges them in. */
  async function readPending(): Promise<void> {
    if (reading) return;
    reading = true;
    try {
      while (pending.length) {
        const hashes = [...new Set(pending)];
        pending = [];
        const tx = (await libraryDb()).transaction('files', 'readonly');
        const byHash = tx.store.index('by-hash');
        const found = await Promise.all(hashes.map((h) => byHash.getAll(h)));
        await tx.done;
        set((s) => {
          const added = found.flat();
          const replaced: FileRecord[] = [];
          const files = mergeFiles(s.files, added, s.byHash.map, replaced);
          return { files, byHash: s.byHash.changed(), stats: withFiles(s.stats, added, replaced, s.embedded) };
        });
      }
    } finally {
      reading = false;
    }
  }

  return {
    files: [],
    byHash: new FilesByHashView(),
    embedded: new HashSetView(),
    stats: NO_STATS,
    skipped: [],
    folders: [],
    error: null,
    revision: 0,
    reloads: 0,
    notices: [],
    closed: null,
    blocked: false,

    async init() {
      engineClient().on((m) => {
        // New files become visible (and rankable) while the run goes on: only theirs are read.
        if (m.type === 'filed') {
          pending.push(...m.hashes);
          void readPending().catch(() => undefined);
        }
        // An import's photos join the library when it ends (it reloads the library then).
        if (m.type !== 'indexed' || m.bulk) return;
        // Grown in place: copying a 300k set per batch would cost more than the batch.
        set((s) => {
          const fresh = m.hashes.filter((h) => !s.embedded.has(h));
          return { embedded: s.embedded.grown(fresh), stats: withEmbedded(s.stats, fresh, (h) => s.byHash.get(h)), revision: s.revision + 1 };
        });
        pending.push(...m.hashes);
        void readPending().catch(() => undefined);
      });
      // Switching models changes which photos count as indexed (not which files there are).
      useModelStore.subscribe((s, prev) => {
        if (s.active?.key === prev.active?.key) return;
        void (async () => {
          await readingAll?.catch(() => undefined);
          await refreshEmbedded();
        })().catch((e: unknown) => get().fail(e));
      });
      try {
        await refresh();
        await get().listFolders();
        return true;
      } catch (e) {
        get().fail(e, 'The photo library could not be opened: ');
        return false;
      }
    },

    refresh,

    async reload() {
      await refresh();
      set((s) => ({ revision: s.revision + 1, reloads: s.reloads + 1 }));
    },

    addSkipped: (skipped) => {
      if (skipped.length) set((s) => ({ skipped: [...s.skipped, ...skipped] }));
    },

    notice: (text, tone = 'info') => set((s) => ({ notices: [...s.notices.slice(-3), { id: nextNotice++, text, tone }] })),

    fail(e, prefix = '') {
      if (!connection.closed) set({ error: `${prefix}${(e as Error).message}` });
    },

    rememberFiles(files) {
      for (const f of files) sessionFiles.set(f.path, f.file);
    },

    async listFolders() {
      set({ folders: (await (await libraryDb()).getAllKeys('folders')).sort() });
    },

    async forgetFolder(name) {
      await (await libraryDb()).delete('folders', name);
      await get().listFolders();
    },

    async thumbnail(hash) {
      try {
        const record = await (await libraryDb()).get('thumbnails', hash);
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

// The viewer's full-size photo: found for the path the viewer shows (full-size.ts says where
// from), and read after a click where a remembered folder needs permission again.
import { create } from 'zustand';
import { canPickFolders } from './indexing-store';
import { allowFullSize, findFullSize, LOADING, unavailable, type FullSize, type FullSizeSources } from './full-size';
import { libraryDb, useLibraryStore } from './library-store';

export interface FullSizeState {
  /** The photo's path the viewer shows, if any. */
  path: string | null;
  view: FullSize;
  /** The viewer shows the photo added at `path`. */
  show(path: string): void;
  /** Asks for the folder's permission (from a click) and reads the photo. */
  allow(): Promise<void>;
  /** The viewer closed: nothing is read or held any more. */
  hide(): void;
}

const sources: FullSizeSources = {
  sessionFile: (path) => useLibraryStore.getState().sessionFile(path),
  rememberedFolder: async (name) => (await (await libraryDb()).get('folders', name))?.handle,
  canRemember: canPickFolders,
};

export const useFullSizeStore = create<FullSizeState>((set, get) => {
  /** Bumped per request: an answer for a photo no longer shown is dropped. */
  let request = 0;

  async function settle(id: number, found: Promise<FullSize>): Promise<void> {
    const view = await found.catch((e: unknown) => unavailable(`The full-size photo could not be read: ${(e as Error).message}`));
    if (id === request) set({ view });
  }

  return {
    path: null,
    view: LOADING,

    show(path) {
      const id = ++request;
      // A file of this session shows at once, without a frame of its thumbnail.
      const file = sources.sessionFile(path);
      set({ path, view: file ? { kind: 'ready', file } : LOADING });
      if (!file) void settle(id, findFullSize(path, sources));
    },

    async allow() {
      const { path, view } = get();
      if (path === null || view.kind !== 'permission') return;
      const id = ++request;
      set({ view: LOADING });
      await settle(id, allowFullSize(view, path));
    },

    hide() {
      ++request;
      set({ path: null, view: LOADING });
    },
  };
});

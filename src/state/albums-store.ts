// Zero-shot albums as the page drives them: the categories and templates typed (or picked from a
// starter list or a saved one), the "Unsorted" rule, the worker's sort of every indexed photo and
// the albums made of it. Edits sort again after a short pause; photos indexed meanwhile are
// scored as they arrive and join their album.
import { create } from 'zustand';
import { checkLabels, DEFAULT_TEMPLATE, linesOf, ZeroShotError } from '../engine/query/zero-shot';
import { albumGroups, albumsCsv, templateLines, UNSORTED, withScores, type AlbumGroup, type AlbumPhoto } from './album-groups';
import { loadLists, STARTER_LISTS, storeLists, withList, type SavedList } from './album-lists';
import { engineClient } from './engine-client';
import { useLibraryStore } from './library-store';
import { useModelStore } from './model-store';
import { useRefineStore } from './refine-store';
import { useSearchStore } from './search-store';
import { useViewerStore } from './viewer-store';

/** Waits this long after the last keystroke before sorting again. */
const EDIT_DEBOUNCE_MS = 400;
/** Photos indexed within this long are scored together. */
const INDEXED_DEBOUNCE_MS = 200;

export interface AlbumsState {
  /** The view replaces the results grid. */
  open: boolean;
  /** One category per line, as typed. */
  categories: string;
  /** One template per line, each with {}, as typed. */
  templates: string;
  /** Photos whose best category does not clearly lead go to "Unsorted". */
  unsorted: boolean;
  /** Why the categories cannot be used (the last albums stay). */
  categoryError: string | null;
  /** Template lines without {}: not used, each said. */
  templateProblems: string[];
  /** The worker failed. */
  error: string | null;
  sorting: boolean;
  /** The categories of the albums shown (as the worker used them). */
  labels: string[];
  /** Each sorted photo's best category and score, by hash. */
  photos: ReadonlyMap<string, AlbumPhoto>;
  groups: AlbumGroup[];
  /** The album whose photos the grid shows, by name. */
  browsing: string | null;
  /** The active model's saved lists, by name. */
  saved: SavedList[];

  openView(): void;
  closeView(): void;
  setCategories(text: string): void;
  setTemplates(text: string): void;
  setUnsorted(on: boolean): void;
  /** Replaces the categories with a starter list's. */
  pickStarter(name: string): void;
  /** Saves the categories and templates under a name (replacing a list of that name); false with `error` set when it cannot. */
  saveList(name: string): boolean;
  pickList(name: string): void;
  deleteList(name: string): void;
  browse(album: string | null): void;
  /** Restricts search and browsing to one album's photos (the toolbar's Album filter); null: all. */
  filterBy(album: string | null): void;
  /** The albums as CSV (album-groups.ts `albumsCsv`), or null before a sort. */
  csv(): string | null;
}

/** The categories to send, or the message saying why they cannot be used. */
function checkedCategories(text: string, unsorted: boolean): { labels: string[] } | { problem: string } {
  const lines = linesOf(text);
  if (lines.length === 0) return { problem: 'Type at least one category, one per line.' };
  try {
    const labels = checkLabels(lines);
    if (unsorted && labels.some((l) => l.toLowerCase() === UNSORTED.toLowerCase()))
      return { problem: `"${UNSORTED}" is the album of unclear photos: name the category differently, or turn Unsorted off.` };
    return { labels };
  } catch (e) {
    if (e instanceof ZeroShotError) return { problem: `${e.message.charAt(0).toUpperCase()}${e.message.slice(1)}.` };
    throw e;
  }
}

export const useAlbumsStore = create<AlbumsState>((set, get) => {
  let timer: ReturnType<typeof setTimeout> | undefined;
  let freshTimer: ReturnType<typeof setTimeout> | undefined;
  let generation = 0;
  /** What the albums shown were sorted with (null before a sort): new photos are scored with the same. */
  let sortedWith: { model: string; labels: string[]; templates: string[] } | null = null;
  /** Photos indexed since, waiting to be scored. */
  let fresh: string[] = [];

  function regroup(photos: ReadonlyMap<string, AlbumPhoto>, labels: string[]): void {
    const groups = albumGroups(labels, photos, get().unsorted);
    const browsing = get().browsing;
    set({ photos, labels, groups, browsing: browsing && groups.some((g) => g.name === browsing) ? browsing : null });
    // The Album filter follows its album as photos join it or the sort changes; an album gone takes the filter with it.
    const filter = useRefineStore.getState().album;
    if (filter) filterTo(filter.name);
  }

  function filterTo(name: string | null): void {
    const group = name === null ? undefined : get().groups.find((g) => g.name === name);
    useRefineStore.getState().setAlbum(group ? { name: group.name, hashes: new Set(group.photos) } : null);
  }

  async function run(): Promise<void> {
    clearTimeout(timer);
    const mine = ++generation;
    const model = useModelStore.getState().active;
    const { categories, templates, unsorted } = get();
    const checked = checkedCategories(categories, unsorted);
    const lines = templateLines(templates);
    set({ categoryError: 'problem' in checked ? checked.problem : null, templateProblems: lines.problems });
    if ('problem' in checked || !model) return;
    if (lines.templates.length === 0) return set({ categoryError: null, templateProblems: [...lines.problems, 'Give at least one template with {}.'] });
    listen();
    set({ sorting: true });
    try {
      const result = await engineClient().call({ type: 'albums', labels: checked.labels, templates: lines.templates, hashes: null });
      if (mine !== generation) return;
      sortedWith = { model: model.key, labels: result.labels, templates: result.templates };
      set({ error: null });
      regroup(withScores(null, result), result.labels);
    } catch (e) {
      if (mine === generation) set({ error: `Sorting into albums failed: ${(e as Error).message}` });
    } finally {
      if (mine === generation) {
        set({ sorting: false });
        // Photos indexed while the sort ran (it may have missed them) are scored now.
        if (fresh.length) void scoreFresh();
      }
    }
  }

  /** Photos indexed since the sort: scored with the same categories and added to their albums. */
  async function scoreFresh(): Promise<void> {
    const hashes = fresh;
    const asked = sortedWith;
    if (!hashes.length || !asked || get().sorting) return;
    fresh = [];
    const mine = generation;
    try {
      const result = await engineClient().call({ type: 'albums', labels: asked.labels, templates: asked.templates, hashes });
      if (mine !== generation || sortedWith !== asked) return;
      regroup(withScores(get().photos, result), result.labels);
    } catch {
      if (mine === generation) schedule(0);
    }
  }

  function schedule(delay: number): void {
    clearTimeout(timer);
    timer = setTimeout(() => void run(), delay);
  }

  let listening = false;
  function listen(): void {
    if (listening) return;
    listening = true;
    engineClient().on((m) => {
      if (m.type !== 'indexed' || !sortedWith) return;
      // An imported index is read as a whole: sort everything again.
      if (m.bulk) return schedule(0);
      fresh.push(...m.hashes);
      clearTimeout(freshTimer);
      freshTimer = setTimeout(() => void scoreFresh(), INDEXED_DEBOUNCE_MS);
    });
  }

  function reset(): void {
    generation++;
    clearTimeout(timer);
    sortedWith = null;
    fresh = [];
    set({ photos: new Map(), labels: [], groups: [], browsing: null, sorting: false, error: null });
    useRefineStore.getState().setAlbum(null);
  }

  // Another model: its own saved lists, and its embeddings sorted again.
  useModelStore.subscribe((s, prev) => {
    if (s.active?.key === prev.active?.key) return;
    reset();
    set({ saved: s.active ? loadLists(s.active.key) : [] });
    if (s.active && linesOf(get().categories).length) schedule(0);
  });
  // A new query (typed, or "More like this" from the viewer) goes back to the results.
  useSearchStore.subscribe((s, prev) => {
    if (get().open && (s.text !== prev.text || s.photoQuery !== prev.photoQuery)) get().closeView();
  });
  // The library read again after something else wrote to it (an imported index): sort again.
  let lastReload = useLibraryStore.getState().reloads;
  useLibraryStore.subscribe((s) => {
    if (s.reloads === lastReload) return;
    lastReload = s.reloads;
    if (sortedWith) schedule(0);
  });

  function modelKey(): string | null {
    return useModelStore.getState().active?.key ?? null;
  }

  return {
    open: false,
    categories: '',
    templates: DEFAULT_TEMPLATE,
    unsorted: true,
    categoryError: null,
    templateProblems: [],
    error: null,
    sorting: false,
    labels: [],
    photos: new Map(),
    groups: [],
    browsing: null,
    saved: modelKey() ? loadLists(modelKey()!) : [],

    openView() {
      set({ open: true });
      if (!sortedWith && linesOf(get().categories).length) schedule(0);
    },
    closeView() {
      // The viewer's index points into the album on screen.
      useViewerStore.getState().close();
      set({ open: false, browsing: null });
    },
    setCategories(categories) {
      set({ categories });
      schedule(EDIT_DEBOUNCE_MS);
    },
    setTemplates(templates) {
      set({ templates });
      schedule(EDIT_DEBOUNCE_MS);
    },
    setUnsorted(unsorted) {
      set({ unsorted });
      const checked = checkedCategories(get().categories, unsorted);
      set({ categoryError: 'problem' in checked ? checked.problem : null });
      // The rule moves photos between albums; the scores stay.
      if (sortedWith) regroup(get().photos, get().labels);
      // Categories refused under the other setting are sorted now.
      if ('labels' in checked && checked.labels.join('\n') !== sortedWith?.labels.join('\n')) schedule(0);
    },
    pickStarter(name) {
      const starter = STARTER_LISTS.find((l) => l.name === name);
      if (!starter) return;
      set({ categories: starter.categories.join('\n') });
      schedule(0);
    },
    saveList(name) {
      const model = modelKey();
      const trimmed = name.trim();
      if (!model) return false;
      if (!trimmed) {
        set({ error: 'Give the list a name to save it.' });
        return false;
      }
      const saved = withList(get().saved, { name: trimmed, categories: get().categories, templates: get().templates });
      if (!storeLists(model, saved)) {
        set({ error: 'The browser did not let the list be saved (private browsing or full storage).' });
        return false;
      }
      set({ saved, error: null });
      return true;
    },
    pickList(name) {
      const list = get().saved.find((l) => l.name === name);
      if (!list) return;
      set({ categories: list.categories, templates: list.templates });
      schedule(0);
    },
    deleteList(name) {
      const model = modelKey();
      if (!model) return;
      const saved = get().saved.filter((l) => l.name !== name);
      if (storeLists(model, saved)) set({ saved });
      else set({ error: 'The browser did not let the list be deleted (private browsing or full storage).' });
    },
    browse(browsing) {
      useViewerStore.getState().close();
      set({ browsing });
    },
    filterBy: filterTo,
    csv() {
      const { labels, photos, unsorted } = get();
      if (!sortedWith) return null;
      return albumsCsv(useLibraryStore.getState().files, labels, photos, unsorted);
    },
  };
});

// The grid's sort order, filters and minimum score as the page holds them; the sort order and the
// minimum score are kept in localStorage across visits.
import { create } from 'zustand';
import { DEFAULT_SETTINGS, NO_FILTERS, type AlbumFilter, type PhotoType, type RefineSettings, type SortKey } from './refine';

export interface RefineState extends RefineSettings {
  setSort(sort: SortKey): void;
  setFolder(folder: string | null): void;
  setType(type: PhotoType | null): void;
  setFrom(day: string | null): void;
  setTo(day: string | null): void;
  setAlbum(album: AlbumFilter | null): void;
  setMinScoreOn(on: boolean): void;
  /** A new minimum also turns it on: whoever types a minimum wants it applied. */
  setMinScore(min: number): void;
  clearFilters(): void;
}

/** The sort order and the minimum score are kept across visits; the filters last for the visit. */
const STORAGE_KEY = 'longclip-search:refine';
type Kept = Pick<RefineSettings, 'sort' | 'minScoreOn' | 'minScore'>;
const SORTS: ReadonlySet<SortKey> = new Set(['default', 'newest', 'oldest', 'name']);

function load(): Kept {
  const kept: Kept = { sort: DEFAULT_SETTINGS.sort, minScoreOn: DEFAULT_SETTINGS.minScoreOn, minScore: DEFAULT_SETTINGS.minScore };
  try {
    const raw = typeof localStorage !== 'undefined' ? localStorage.getItem(STORAGE_KEY) : null;
    const saved = raw ? (JSON.parse(raw) as Partial<Kept>) : {};
    if (SORTS.has(saved.sort as SortKey)) kept.sort = saved.sort!;
    if (typeof saved.minScoreOn === 'boolean') kept.minScoreOn = saved.minScoreOn;
    if (typeof saved.minScore === 'number' && Number.isFinite(saved.minScore)) kept.minScore = saved.minScore;
  } catch {
    // unreadable or unavailable storage: the defaults
  }
  return kept;
}

function save({ sort, minScoreOn, minScore }: Kept): void {
  try {
    localStorage.setItem(STORAGE_KEY, JSON.stringify({ sort, minScoreOn, minScore }));
  } catch {
    // private mode: the settings last for this page only
  }
}

export const useRefineStore = create<RefineState>((set, get) => {
  function keep(change: Partial<Kept>): void {
    set(change);
    save(get());
  }
  return {
    ...DEFAULT_SETTINGS,
    ...load(),
    setSort: (sort) => keep({ sort }),
    setFolder: (folder) => set({ folder }),
    setType: (type) => set({ type }),
    setFrom: (from) => set({ from: from || null }),
    setTo: (to) => set({ to: to || null }),
    setAlbum: (album) => set({ album }),
    setMinScoreOn: (minScoreOn) => keep({ minScoreOn }),
    setMinScore(minScore) {
      if (Number.isFinite(minScore)) keep({ minScore, minScoreOn: true });
    },
    clearFilters: () => set({ ...NO_FILTERS }),
  };
});

// Category lists for albums: the starter lists offered, and the user's named lists, saved per
// model in localStorage. localStorage rather than the library's IndexedDB: a list is a few
// hundred bytes of text read once per model load, and a new object store would need a schema
// version and migration that every open tab must take; both survive reloads and are cleared
// together with the site's data.

/** A named list of categories and the templates they are written into. */
export interface SavedList {
  name: string;
  categories: string;
  templates: string;
}

/** Lists to start from (one category per line). */
export const STARTER_LISTS: readonly { name: string; categories: string[] }[] = [
  { name: 'Places', categories: ['beach', 'mountains', 'city street', 'forest', 'lake', 'snowy landscape', 'desert', 'room indoors'] },
  { name: 'Pets', categories: ['dog', 'cat', 'bird', 'fish', 'rabbit', 'horse'] },
  { name: 'Seasons', categories: ['spring', 'summer', 'autumn', 'winter'] },
  { name: 'Moments', categories: ['birthday party', 'wedding', 'concert', 'meal', 'sports game', 'screenshot', 'document'] },
];

const KEY_PREFIX = 'longclip-search:albums:';

/** The lists saved under a model, by name; none where storage is unavailable or unreadable. */
export function loadLists(model: string): SavedList[] {
  try {
    const raw = typeof localStorage !== 'undefined' ? localStorage.getItem(KEY_PREFIX + model) : null;
    const parsed: unknown = raw ? JSON.parse(raw) : [];
    if (!Array.isArray(parsed)) return [];
    return parsed.filter(
      (l): l is SavedList =>
        typeof l === 'object' &&
        l !== null &&
        typeof (l as SavedList).name === 'string' &&
        typeof (l as SavedList).categories === 'string' &&
        typeof (l as SavedList).templates === 'string',
    );
  } catch {
    return [];
  }
}

/** Saves a model's lists; false when the browser refused (private mode, storage full). */
export function storeLists(model: string, lists: readonly SavedList[]): boolean {
  try {
    localStorage.setItem(KEY_PREFIX + model, JSON.stringify(lists));
    return true;
  } catch {
    return false;
  }
}

/** The lists with `list` added, replacing one of the same name (names compared without case); sorted by name. */
export function withList(lists: readonly SavedList[], list: SavedList): SavedList[] {
  const others = lists.filter((l) => l.name.toLowerCase() !== list.name.toLowerCase());
  return [...others, list].sort((a, b) => a.name.localeCompare(b.name));
}

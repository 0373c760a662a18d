// Filters and sort orders over what the grid shows: pure functions, no DOM, no React.
// Everything is opt-in: with the defaults the items pass through untouched (results keep the
// worker's rank order by plain cosine, the library its path order), so the parity tests hold.
import type { FileRecord } from '../library/schema';
import { isVideoFile } from '../library/classify';

/** "default" is the list's own order: best match first for results, folder (path) order for the library. */
export type SortKey = 'default' | 'newest' | 'oldest' | 'name';
/** A file's kind for the Type filter: a photo format, or `video` (any container: videos are indexed by their frames). */
export type PhotoType = 'jpeg' | 'png' | 'gif' | 'webp' | 'video' | 'other';

export const PHOTO_TYPES: readonly PhotoType[] = ['jpeg', 'png', 'gif', 'webp', 'video', 'other'];
export const PHOTO_TYPE_NAMES: Record<PhotoType, string> = { jpeg: 'JPEG', png: 'PNG', gif: 'GIF', webp: 'WebP', video: 'Videos', other: 'Other' };

/** One album of the zero-shot albums (state/albums-store.ts): its name and the photos (hashes) in it. */
export interface AlbumFilter {
  name: string;
  hashes: ReadonlySet<string>;
}

export interface RefineFilters {
  /** A folder and its subfolders; null: all folders. */
  folder: string | null;
  type: PhotoType | null;
  /** Inclusive days, "YYYY-MM-DD" (as a date input gives them); null: open. */
  from: string | null;
  to: string | null;
  /** The photos of one album; null: all photos. */
  album: AlbumFilter | null;
}

export interface RefineSettings extends RefineFilters {
  sort: SortKey;
  /** The minimum score applies to results only, and only when on. */
  minScoreOn: boolean;
  minScore: number;
}

export const NO_FILTERS: RefineFilters = { folder: null, type: null, from: null, to: null, album: null };
export const DEFAULT_SETTINGS: RefineSettings = { ...NO_FILTERS, sort: 'default', minScoreOn: false, minScore: 0.25 };

export interface Scored {
  file: FileRecord;
  score: number | null;
}

export interface Refined<T extends Scored> {
  items: T[];
  /** Items before any filter or the minimum score. */
  total: number;
  /**
   * Why nothing is shown although there was something to show: the filters hide every item, or
   * the filters leave some and none reaches the minimum score (`best` is the best of those).
   */
  hiddenAll: { by: 'filters' } | { by: 'score'; best: number; min: number } | null;
}

const DAY_MS = 86_400_000;

const MIME_TYPES: Record<string, PhotoType> = {
  'image/jpeg': 'jpeg',
  'image/jpg': 'jpeg',
  'image/pjpeg': 'jpeg',
  'image/png': 'png',
  'image/apng': 'png',
  'image/gif': 'gif',
  'image/webp': 'webp',
};
const EXTENSIONS: Record<string, PhotoType> = {
  jpg: 'jpeg',
  jpeg: 'jpeg',
  jpe: 'jpeg',
  jfif: 'jpeg',
  png: 'png',
  gif: 'gif',
  webp: 'webp',
};

/**
 * The file's type: a video by any video/* type or as intake takes one (library/classify.ts), else
 * from its MIME type, else its extension. A file record
 * is written once its file is indexed, so a video's file record is a video in the index: the
 * page tells videos by their files, as it tells the photo formats, without the photo records.
 */
export function photoType(file: Pick<FileRecord, 'type' | 'name'>): PhotoType {
  if (file.type.toLowerCase().startsWith('video/') || isVideoFile(file.name, file.type)) return 'video';
  const byMime = MIME_TYPES[file.type.toLowerCase()];
  if (byMime) return byMime;
  if (file.type && file.type !== 'application/octet-stream') return 'other';
  const dot = file.name.lastIndexOf('.');
  return (dot >= 0 && EXTENSIONS[file.name.slice(dot + 1).toLowerCase()]) || 'other';
}

/** Minutes to add to an instant for local wall-clock time (the opposite of Date#getTimezoneOffset). */
export type LocalOffset = (ms: number) => number;
const systemOffset: LocalOffset = (ms) => -new Date(ms).getTimezoneOffset();

/**
 * The photo's date as wall-clock time written as UTC ms, so that its UTC day is the day a
 * person would name: the EXIF capture date when the file has one (already in that form, or the
 * instant when the camera gave its offset), else the file's date in this device's time zone.
 */
export function photoTime(file: Pick<FileRecord, 'takenAt' | 'lastModified'>, offset: LocalOffset = systemOffset): number {
  if (file.takenAt !== undefined && Number.isFinite(file.takenAt)) return file.takenAt;
  return file.lastModified + offset(file.lastModified) * 60_000;
}

/** "Taken 1 Jun 2015" (the EXIF capture date) or "File date 1 Jun 2015", for the viewer. */
export function photoDateLabel(file: Pick<FileRecord, 'takenAt' | 'lastModified'>, offset: LocalOffset = systemOffset): string {
  const day = new Date(photoTime(file, offset)).toLocaleDateString(undefined, { timeZone: 'UTC', dateStyle: 'medium' });
  return `${file.takenAt !== undefined ? 'Taken' : 'File date'} ${day}`;
}

/** "40 results", or "12 of 40 results" when filters hide some. */
export function shownCount(shown: number, total: number, what: string): string {
  const all = `${total} ${total === 1 ? what : `${what}s`}`;
  return shown < total ? `${shown} of ${all}` : `${shown} ${shown === 1 ? what : `${what}s`}`;
}

/** "YYYY-MM-DD" as UTC ms of that day's start, or null. */
export function dayStart(day: string | null): number | null {
  const m = day?.match(/^(\d{4})-(\d{2})-(\d{2})$/);
  if (!m) return null;
  const ms = Date.UTC(Number(m[1]), Number(m[2]) - 1, Number(m[3]));
  return Number.isFinite(ms) ? ms : null;
}

/** The folder itself or any folder below it. */
export function inFolder(file: Pick<FileRecord, 'folder'>, folder: string): boolean {
  return file.folder === folder || file.folder.startsWith(`${folder}/`);
}

/** Every folder of the library and the folders above them ("A", "A/B"), sorted; loose files have none. */
export function libraryFolders(files: readonly Pick<FileRecord, 'folder'>[]): string[] {
  const all = new Set<string>();
  for (const { folder } of files) {
    if (!folder || all.has(folder)) continue;
    const parts = folder.split('/');
    for (let i = 1; i <= parts.length; i++) all.add(parts.slice(0, i).join('/'));
  }
  return [...all].sort((a, b) => a.localeCompare(b));
}

/** The photo types present in the library, in a fixed order. */
export function libraryTypes(files: readonly Pick<FileRecord, 'type' | 'name'>[]): PhotoType[] {
  const present = new Set(files.map(photoType));
  return PHOTO_TYPES.filter((t) => present.has(t));
}

export function hasFilters(f: RefineFilters): boolean {
  return f.folder !== null || f.type !== null || dayStart(f.from) !== null || dayStart(f.to) !== null || f.album !== null;
}

/** A predicate for the filters (folder, type, date range with days inclusive, album). */
export function filterPredicate(f: RefineFilters, offset: LocalOffset = systemOffset): (file: FileRecord) => boolean {
  const from = dayStart(f.from);
  const toStart = dayStart(f.to);
  const to = toStart === null ? null : toStart + DAY_MS;
  return (file) => {
    if (f.folder !== null && !inFolder(file, f.folder)) return false;
    if (f.type !== null && photoType(file) !== f.type) return false;
    if (f.album !== null && !f.album.hashes.has(file.hash)) return false;
    if (from !== null || to !== null) {
      const t = photoTime(file, offset);
      if (from !== null && t < from) return false;
      if (to !== null && t >= to) return false;
    }
    return true;
  };
}

/** Sorts a copy; "default" keeps the given order. Ties keep the given order too (a stable sort). */
export function sortItems<T extends Scored>(items: readonly T[], sort: SortKey, offset: LocalOffset = systemOffset): T[] {
  if (sort === 'default') return items.slice();
  if (sort === 'name') {
    const collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
    return items.slice().sort((a, b) => collator.compare(a.file.name, b.file.name) || collator.compare(a.file.path, b.file.path));
  }
  const sign = sort === 'newest' ? -1 : 1;
  const times = new Map(items.map((it) => [it, photoTime(it.file, offset)]));
  return items.slice().sort((a, b) => sign * (times.get(a)! - times.get(b)!));
}

/**
 * What the grid shows: the filters, then (results only) the minimum score, then the order.
 * `querying`: the items are ranked results (they carry scores).
 */
export function refineItems<T extends Scored>(
  items: readonly T[],
  settings: RefineSettings,
  querying: boolean,
  offset: LocalOffset = systemOffset,
): Refined<T> {
  const keep = filterPredicate(settings, offset);
  const filtered = hasFilters(settings) ? items.filter((it) => keep(it.file)) : items.slice();
  const threshold = querying && settings.minScoreOn && Number.isFinite(settings.minScore) ? settings.minScore : null;
  const passing = threshold === null ? filtered : filtered.filter((it) => it.score !== null && it.score >= threshold);

  let hiddenAll: Refined<T>['hiddenAll'] = null;
  if (items.length > 0 && filtered.length === 0) hiddenAll = { by: 'filters' };
  else if (filtered.length > 0 && passing.length === 0) {
    const best = filtered.reduce((m, it) => Math.max(m, it.score ?? -Infinity), -Infinity);
    hiddenAll = { by: 'score', best, min: threshold! };
  }
  return { items: sortItems(passing, settings.sort, offset), total: items.length, hiddenAll };
}

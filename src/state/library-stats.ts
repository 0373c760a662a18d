// What the page shows about the whole library (the indexed-file count, the folders and photo
// types of the filters), kept up to date from each batch of new files or embeddings instead of
// being counted again over every file (300k files made each batch cost tens of milliseconds).
import type { FileRecord } from '../library/schema';
import { libraryFolders, libraryTypes, photoType, PHOTO_TYPES, type PhotoType } from './refine';

export interface LibraryStats {
  /** Files whose photo has an embedding under the loaded model. */
  indexedFiles: number;
  /** Every folder and the folders above them, sorted (refine.ts libraryFolders). */
  folders: readonly string[];
  /** The photo types present, in PHOTO_TYPES order. */
  types: readonly PhotoType[];
}

interface Embedded {
  has(hash: string): boolean;
}

export const NO_STATS: LibraryStats = { indexedFiles: 0, folders: [], types: [] };

/** Counted over all the files (a full read of the library, a model switch). */
export function statsOf(files: readonly FileRecord[], embedded: Embedded): LibraryStats {
  let indexedFiles = 0;
  for (const f of files) if (embedded.has(f.hash)) indexedFiles++;
  return { indexedFiles, folders: libraryFolders(files), types: libraryTypes(files) };
}

/** After files were merged in: `added` are new or replacing, `replaced` the records they replaced. */
export function withFiles(stats: LibraryStats, added: readonly FileRecord[], replaced: readonly FileRecord[], embedded: Embedded): LibraryStats {
  let indexedFiles = stats.indexedFiles;
  for (const f of replaced) if (embedded.has(f.hash)) indexedFiles--;
  for (const f of added) if (embedded.has(f.hash)) indexedFiles++;
  const known = new Set(stats.folders);
  const newFolders = added.filter((f) => f.folder && !known.has(f.folder));
  const folders = newFolders.length ? libraryFolders([...stats.folders.map((folder) => ({ folder })), ...newFolders]) : stats.folders;
  const newTypes = added.map(photoType).filter((t) => !stats.types.includes(t));
  const types = newTypes.length ? PHOTO_TYPES.filter((t) => stats.types.includes(t) || newTypes.includes(t)) : stats.types;
  return { indexedFiles, folders, types };
}

/** After photos got embeddings: `fresh` were not embedded before; `filesOf` gives the files the page holds of a photo. */
export function withEmbedded(stats: LibraryStats, fresh: readonly string[], filesOf: (hash: string) => readonly FileRecord[] | undefined): LibraryStats {
  let indexedFiles = stats.indexedFiles;
  for (const h of fresh) indexedFiles += filesOf(h)?.length ?? 0;
  return indexedFiles === stats.indexedFiles ? stats : { ...stats, indexedFiles };
}

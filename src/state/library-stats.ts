// What the page shows about the whole library (the indexed-file count, the folders and photo
// types of the filters), kept up to date from each batch of new files or embeddings instead of
// being counted again over every file (300k files made each batch cost tens of milliseconds).
import type { FileRecord } from '../library/schema';
import { libraryFolders, libraryTypes, photoType, PHOTO_TYPES, type PhotoType } from './refine';

export interface LibraryStats {
  /** Files whose photo has an embedding under the loaded model (videos among them). */
  indexedFiles: number;
  /** Of those, the videos' files (refine.ts photoType: by the file's type or extension), for "N photos and M videos". */
  indexedVideoFiles: number;
  /** Every folder and the folders above them, sorted (refine.ts libraryFolders). */
  folders: readonly string[];
  /** The photo types present, in PHOTO_TYPES order. */
  types: readonly PhotoType[];
}

interface Embedded {
  has(hash: string): boolean;
}

export const NO_STATS: LibraryStats = { indexedFiles: 0, indexedVideoFiles: 0, folders: [], types: [] };

const isVideo = (f: FileRecord): 0 | 1 => (photoType(f) === 'video' ? 1 : 0);

/** Counted over all the files (a full read of the library, a model switch). */
export function statsOf(files: readonly FileRecord[], embedded: Embedded): LibraryStats {
  let indexedFiles = 0;
  let indexedVideoFiles = 0;
  for (const f of files)
    if (embedded.has(f.hash)) {
      indexedFiles++;
      indexedVideoFiles += isVideo(f);
    }
  return { indexedFiles, indexedVideoFiles, folders: libraryFolders(files), types: libraryTypes(files) };
}

/** After files were merged in: `added` are new or replacing, `replaced` the records they replaced. */
export function withFiles(stats: LibraryStats, added: readonly FileRecord[], replaced: readonly FileRecord[], embedded: Embedded): LibraryStats {
  let { indexedFiles, indexedVideoFiles } = stats;
  for (const f of replaced)
    if (embedded.has(f.hash)) {
      indexedFiles--;
      indexedVideoFiles -= isVideo(f);
    }
  for (const f of added)
    if (embedded.has(f.hash)) {
      indexedFiles++;
      indexedVideoFiles += isVideo(f);
    }
  const known = new Set(stats.folders);
  const newFolders = added.filter((f) => f.folder && !known.has(f.folder));
  const folders = newFolders.length ? libraryFolders([...stats.folders.map((folder) => ({ folder })), ...newFolders]) : stats.folders;
  const newTypes = added.map(photoType).filter((t) => !stats.types.includes(t));
  const types = newTypes.length ? PHOTO_TYPES.filter((t) => stats.types.includes(t) || newTypes.includes(t)) : stats.types;
  return { indexedFiles, indexedVideoFiles, folders, types };
}

/** After photos got embeddings: `fresh` were not embedded before; `filesOf` gives the files the page holds of a photo. */
export function withEmbedded(stats: LibraryStats, fresh: readonly string[], filesOf: (hash: string) => readonly FileRecord[] | undefined): LibraryStats {
  let { indexedFiles, indexedVideoFiles } = stats;
  for (const h of fresh)
    for (const f of filesOf(h) ?? []) {
      indexedFiles++;
      indexedVideoFiles += isVideo(f);
    }
  return indexedFiles === stats.indexedFiles ? stats : { ...stats, indexedFiles, indexedVideoFiles };
}

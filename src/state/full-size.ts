// Full-size viewing of a library photo: the File added in this tab, else the file read again
// through its remembered folder's handle (asking for permission from a click where the browser
// wants it), else a message that says how to see it full size, by how the photo was added.
import { fileBelow, topFolder } from '../library/folder-file';
import { permissionOf, requestPermission } from '../library/queue';

export type FullSize =
  | { kind: 'loading' }
  | { kind: 'ready'; file: File }
  /** The photo's folder is remembered and the browser asks again: a click (`allowFullSize`) reads it. */
  | { kind: 'permission'; folder: string; handle: FileSystemDirectoryHandle }
  /** No full size: the thumbnail is shown, with this message. */
  | { kind: 'unavailable'; message: string };

export const LOADING: FullSize = { kind: 'loading' };

/** Where a photo's file can come from. */
export interface FullSizeSources {
  /** The File when it was added in this page session. */
  sessionFile(path: string): File | null;
  /** The handle of a folder remembered under this name, if any. */
  rememberedFolder(name: string): Promise<FileSystemDirectoryHandle | undefined>;
  /** This browser can remember folders (the File System Access API: "Pick a folder to remember"). */
  canRemember: boolean;
}

/** The full-size file of the photo added at `path`, or why there is none. */
export async function findFullSize(path: string, sources: FullSizeSources): Promise<FullSize> {
  const file = sources.sessionFile(path);
  if (file) return { kind: 'ready', file };
  const folder = topFolder(path);
  if (folder === null) return unavailable(addedAloneMessage(sources.canRemember));
  const handle = await sources.rememberedFolder(folder);
  if (!handle) return unavailable(addedFolderMessage(folder, sources.canRemember));
  const permission = await permissionOf(handle);
  if (permission === 'prompt') return { kind: 'permission', folder, handle };
  if (permission === 'denied') return unavailable(deniedMessage(folder));
  return readThrough(handle, path, folder);
}

/** From a click: asks for the folder's permission first (requestPermission needs the click's activation), then reads the file. */
export async function allowFullSize(view: Extract<FullSize, { kind: 'permission' }>, path: string): Promise<FullSize> {
  const permission = await requestPermission(view.handle);
  // A dismissed prompt leaves the button to ask again.
  if (permission === 'prompt') return view;
  if (permission === 'denied') return unavailable(deniedMessage(view.folder));
  return readThrough(view.handle, path, view.folder);
}

async function readThrough(handle: FileSystemDirectoryHandle, path: string, folder: string): Promise<FullSize> {
  try {
    return { kind: 'ready', file: await fileBelow(handle, path) };
  } catch (e) {
    const name = (e as DOMException | null)?.name;
    if (name === 'NotAllowedError' || name === 'SecurityError') return { kind: 'permission', folder, handle };
    if (name === 'NotFoundError' || name === 'TypeMismatchError') {
      return unavailable(`The file is no longer in the folder “${folder}” (moved, renamed or deleted): rescan the folder to update the library.`);
    }
    return unavailable(`The full-size photo could not be read from the folder “${folder}”: ${(e as Error).message}`);
  }
}

export function unavailable(message: string): FullSize {
  return { kind: 'unavailable', message };
}

/** A file added alone (Add photos, a dropped file): only that tab had it. */
export function addedAloneMessage(canRemember: boolean): string {
  const base = 'Full size is shown while the file is open in this tab: add it again with Add photos to see it full size.';
  return canRemember ? `${base} Photos from a folder picked with “Pick a folder to remember” show full size after a reload too.` : base;
}

/** A file that came with a folder that is not remembered (Add folder, a dropped folder, an imported index). */
export function addedFolderMessage(folder: string, canRemember: boolean): string {
  const base = `Full size is shown while the folder is open in this tab: add “${folder}” again with Add folder to see it full size`;
  return canRemember ? `${base}, or pick it with “Pick a folder to remember” to see its photos full size after a reload too.` : `${base}.`;
}

function deniedMessage(folder: string): string {
  return `Reading the folder “${folder}” is not allowed: allow it in the site's settings, or add it again with Add folder, to see the photo full size.`;
}

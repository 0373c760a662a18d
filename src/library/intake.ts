// Photo intake: turns what the user added (file inputs, a drop, a picked folder) into
// IntakeFiles with paths inside what was added. Only the browser objects' own methods are
// used, so the tests drive every walker with fake entries and handles in Node.
import type { IntakeFile } from './intake-file';
import { unreadableFile } from './classify';

export { classifyFiles, skipReason, type Classified, type SkippedFile } from './classify';

/** Files from an <input type="file"> (with or without `webkitdirectory`). */
export function filesFromInput(list: FileList | File[]): IntakeFile[] {
  return Array.from(list, (file) => ({ file, path: file.webkitRelativePath || file.name }));
}

// ---------------------------------------------------------------------------------------------
// Drag and drop: the File and Directory Entries API.

type Root = { entry: FileSystemEntry } | { file: File };

/**
 * Everything dropped, folders walked recursively. All items are taken synchronously before the
 * first await: the browser empties the DataTransfer once the drop handler yields.
 */
export function filesFromDataTransfer(dt: DataTransfer): Promise<IntakeFile[]> {
  const roots: Root[] = [];
  const items = dt.items ? Array.from(dt.items) : [];
  for (const item of items) {
    if (item.kind !== 'file') continue;
    const entry = typeof item.webkitGetAsEntry === 'function' ? item.webkitGetAsEntry() : null;
    if (entry) {
      roots.push({ entry });
    } else {
      const file = item.getAsFile();
      if (file) roots.push({ file });
    }
  }
  // Browsers without `items` (or a synthetic DataTransfer) still list the files.
  if (!items.length && dt.files) for (const file of Array.from(dt.files)) roots.push({ file });
  return walkRoots(roots);
}

async function walkRoots(roots: Root[]): Promise<IntakeFile[]> {
  const out: IntakeFile[] = [];
  for (const root of roots) {
    if ('file' in root) out.push({ file: root.file, path: root.file.webkitRelativePath || root.file.name });
    else await walkEntry(root.entry, out);
  }
  return out;
}

function entryPath(entry: FileSystemEntry): string {
  return (entry.fullPath || entry.name).replace(/^\/+/, '');
}

async function walkEntry(entry: FileSystemEntry, out: IntakeFile[]): Promise<void> {
  if (entry.isFile) {
    const path = entryPath(entry);
    try {
      out.push({ file: await fileOf(entry as FileSystemFileEntry), path });
    } catch (e) {
      out.push(unreadableFile(path, e));
    }
  } else if (entry.isDirectory) {
    let children: FileSystemEntry[];
    try {
      children = await readAllEntries(entry as FileSystemDirectoryEntry);
    } catch (e) {
      out.push(unreadableFile(entryPath(entry), e));
      return;
    }
    for (const child of children) await walkEntry(child, out);
  }
}

function fileOf(entry: FileSystemFileEntry): Promise<File> {
  return new Promise((resolve, reject) => entry.file(resolve, reject));
}

/** All children of a directory: `readEntries` returns batches (Chromium: 100) until an empty one. */
export async function readAllEntries(dir: FileSystemDirectoryEntry): Promise<FileSystemEntry[]> {
  const reader = dir.createReader();
  const all: FileSystemEntry[] = [];
  for (;;) {
    const batch = await new Promise<FileSystemEntry[]>((resolve, reject) => reader.readEntries(resolve, reject));
    if (!batch.length) return all;
    all.push(...batch);
  }
}

// ---------------------------------------------------------------------------------------------
// A picked folder: the File System Access API.

/** The parts of the handle types used here (`values()` is missing from TypeScript's DOM lib). */
interface DirectoryHandleLike {
  kind: 'directory';
  name: string;
  values?: () => AsyncIterable<HandleLike>;
  entries?: () => AsyncIterable<[string, HandleLike]>;
}
interface FileHandleLike {
  kind: 'file';
  name: string;
  getFile(): Promise<File>;
}
type HandleLike = DirectoryHandleLike | FileHandleLike;

/** Every file under a picked folder; paths start with the folder's name ("Photos/2019/a.jpg"). */
export async function filesFromDirectoryHandle(handle: FileSystemDirectoryHandle): Promise<IntakeFile[]> {
  const out: IntakeFile[] = [];
  const root = handle as unknown as DirectoryHandleLike;
  await walkHandle(root, root.name, out);
  return out;
}

async function* childrenOf(dir: DirectoryHandleLike): AsyncIterable<HandleLike> {
  if (dir.values) {
    yield* dir.values();
  } else if (dir.entries) {
    for await (const [, child] of dir.entries()) yield child;
  } else {
    throw new TypeError(`The folder handle "${dir.name}" cannot list its contents`);
  }
}

async function walkHandle(dir: DirectoryHandleLike, prefix: string, out: IntakeFile[]): Promise<void> {
  const files: FileHandleLike[] = [];
  const dirs: DirectoryHandleLike[] = [];
  try {
    for await (const child of childrenOf(dir)) {
      if (child.kind === 'directory') dirs.push(child);
      else files.push(child);
    }
  } catch (e) {
    out.push(unreadableFile(prefix, e));
    return;
  }
  const read = await Promise.all(
    files.map(async (h): Promise<IntakeFile> => {
      const path = `${prefix}/${h.name}`;
      try {
        return { file: await h.getFile(), path };
      } catch (e) {
        return unreadableFile(path, e);
      }
    }),
  );
  out.push(...read);
  for (const d of dirs) await walkHandle(d, `${prefix}/${d.name}`, out);
}

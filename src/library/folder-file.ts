// A file under a folder picked with the File System Access API, read through the folder's handle.

/** The first part of a path as added ("Holidays" of "Holidays/2019/a.jpg"): the folder it came in with; null for a file added alone. */
export function topFolder(path: string): string | null {
  const slash = path.indexOf('/');
  return slash > 0 ? path.slice(0, slash) : null;
}

/** The file at `path` (which starts with the folder's name): "Holidays/2019/a.jpg" under the handle of "Holidays". */
export async function fileBelow(root: FileSystemDirectoryHandle, path: string): Promise<File> {
  const parts = path.split('/').slice(1);
  const name = parts.pop();
  if (!name) throw new Error('the path names no file below its folder');
  let dir = root;
  for (const part of parts) dir = await dir.getDirectoryHandle(part);
  return (await dir.getFileHandle(name)).getFile();
}

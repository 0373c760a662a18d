// The CLI's image files: files and folders expanded (recursively, sorted) into image paths, and
// the MIME type of a file from its extension.
import { readdir, stat } from 'node:fs/promises';
import { extname, join, resolve } from 'node:path';

const MIME: Record<string, string> = {
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.png': 'image/png',
  '.webp': 'image/webp',
  '.gif': 'image/gif',
  '.avif': 'image/avif',
  '.heic': 'image/heic',
  '.heif': 'image/heif',
  '.hif': 'image/heif',
  '.bmp': 'image/bmp',
  '.tif': 'image/tiff',
  '.tiff': 'image/tiff',
};

/** The extensions a folder is searched for. */
const IMAGE_EXTENSIONS = new Set(Object.keys(MIME));

/** The MIME type the app would record for a file of this name ('' when unknown). */
export function mimeTypeOf(path: string): string {
  return MIME[extname(path).toLowerCase()] ?? '';
}

/** Expands files and folders (recursively, sorted) into image paths. Explicit files are kept whatever their extension. */
export async function listImages(paths: readonly string[]): Promise<string[]> {
  const out: string[] = [];
  for (const p of paths) {
    const full = resolve(p);
    const info = await stat(full).catch(() => null);
    if (!info) throw new Error(`${p} does not exist`);
    if (info.isDirectory()) out.push(...(await walk(full)));
    else out.push(full);
  }
  return out;
}

async function walk(dir: string): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    if (e.isDirectory()) out.push(...(await walk(full)));
    else if (e.isFile() && IMAGE_EXTENSIONS.has(extname(e.name).toLowerCase())) out.push(full);
  }
  return out;
}

// The CLI's image and video files: files and folders expanded (recursively, sorted) into image
// (and video) paths, and the MIME type of a file from its extension.
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

/** Videos, indexed by their frames where ffmpeg is on the PATH (ffmpeg-frames.ts). */
const VIDEO_MIME: Record<string, string> = {
  '.mp4': 'video/mp4',
  '.m4v': 'video/x-m4v',
  '.mov': 'video/quicktime',
  '.webm': 'video/webm',
  '.mkv': 'video/x-matroska',
};

/** The extensions a folder is searched for. */
const IMAGE_EXTENSIONS = new Set(Object.keys(MIME));
const VIDEO_EXTENSIONS = new Set(Object.keys(VIDEO_MIME));

/** The MIME type the app would record for a file of this name ('' when unknown). */
export function mimeTypeOf(path: string): string {
  const ext = extname(path).toLowerCase();
  return MIME[ext] ?? VIDEO_MIME[ext] ?? '';
}

/** Whether a file is taken as a video, by its extension. */
export const isVideoPath = (path: string): boolean => VIDEO_EXTENSIONS.has(extname(path).toLowerCase());

/**
 * Expands files and folders (recursively, sorted) into image and video paths. Explicit files are
 * kept whatever their extension: a video extension makes a video, anything else an image.
 */
export async function listMedia(paths: readonly string[]): Promise<{ images: string[]; videos: string[] }> {
  const images: string[] = [];
  const videos: string[] = [];
  for (const p of paths) {
    const full = resolve(p);
    const info = await stat(full).catch(() => null);
    if (!info) throw new Error(`${p} does not exist`);
    if (info.isDirectory()) {
      for (const f of await walk(full, true)) (isVideoPath(f) ? videos : images).push(f);
    } else (isVideoPath(full) ? videos : images).push(full);
  }
  return { images, videos };
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

async function walk(dir: string, withVideos = false): Promise<string[]> {
  const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  const out: string[] = [];
  for (const e of entries) {
    const full = join(dir, e.name);
    const ext = extname(e.name).toLowerCase();
    if (e.isDirectory()) out.push(...(await walk(full, withVideos)));
    else if (e.isFile() && (IMAGE_EXTENSIONS.has(ext) || (withVideos && VIDEO_EXTENSIONS.has(ext)))) out.push(full);
  }
  return out;
}

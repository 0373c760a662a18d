// Which added files the indexer gets: the formats browsers decode and HEIC/HEIF (decoded by the
// app itself: engine/preprocess/heif-decode.ts), each other file skipped with
// a reason a person can act on. Plain TypeScript: no DOM beyond `File`, so Node tests run it.
import { formatNotDecoded, REASON_EMPTY, REASON_RAW, REASON_SYSTEM } from '../engine/preprocess/skip-reasons';
import type { IntakeFile } from './intake-file';

export interface SkippedFile {
  path: string;
  reason: string;
}

export interface Classified {
  /** Decodable photos, sorted by path (code-unit order, the same in every locale). */
  accepted: IntakeFile[];
  /** Everything else, sorted by path. */
  skipped: SkippedFile[];
}

/** MIME types of the formats every current browser's image decoder handles (GIF: first frame). */
const ACCEPTED_TYPES = new Set([
  'image/jpeg',
  'image/jpg',
  'image/pjpeg',
  'image/png',
  'image/apng',
  'image/webp',
  'image/gif',
  'image/avif',
  'image/bmp',
  'image/x-bmp',
  'image/x-ms-bmp',
]);
const ACCEPTED_EXTENSIONS = new Set(['jpg', 'jpeg', 'jpe', 'jfif', 'png', 'apng', 'webp', 'gif', 'avif', 'bmp']);

/** HEIC/HEIF, the iPhone camera's format (a sequence, a burst or a Live Photo's still, gives its primary image). */
const HEIC_TYPES = new Set(['image/heic', 'image/heif', 'image/heic-sequence', 'image/heif-sequence']);
const HEIC_EXTENSIONS = new Set(['heic', 'heif', 'hif']);

/** Videos: indexed by their sampled frames (engine/video/); a codec the browser cannot decode is skipped when it is read. */
const VIDEO_TYPES = new Set(['video/mp4', 'video/quicktime', 'video/webm', 'video/x-matroska', 'video/x-m4v']);
const VIDEO_EXTENSIONS = new Set(['mp4', 'm4v', 'mov', 'qt', 'webm', 'mkv']);

/** Whether an accepted file is a video (by its type, or its extension where the type says nothing). */
export function isVideoFile(name: string, type: string): boolean {
  const t = type.toLowerCase().split(';')[0]!.trim();
  if (VIDEO_TYPES.has(t)) return true;
  return (GENERIC_TYPES.has(t) || t.startsWith('video/')) && VIDEO_EXTENSIONS.has(extensionOf(name));
}

const RAW_EXTENSIONS = new Set([
  'cr2',
  'cr3',
  'crw',
  'nef',
  'nrw',
  'arw',
  'srf',
  'sr2',
  'dng',
  'raf',
  'orf',
  'rw2',
  'rwl',
  'pef',
  'srw',
  '3fr',
  'erf',
  'kdc',
  'mrw',
  'x3f',
  'iiq',
]);

/** Other image formats a browser will not decode (named as images, not "not an image"). */
const OTHER_IMAGE_EXTENSIONS = new Set(['tif', 'tiff', 'jxl', 'svg', 'ico', 'psd', 'xcf', 'jp2', 'j2k', 'exr', 'hdr', 'tga']);

/** Files that operating systems and tools leave in photo folders. */
const SYSTEM_NAMES = new Set(['thumbs.db', 'ehthumbs.db', 'ehthumbs_vista.db', 'desktop.ini', 'icon\r']);
const SYSTEM_FOLDERS = new Set(['__macosx', '$recycle.bin', 'system volume information']);

/** Types that say nothing about the content: fall back to the extension. */
const GENERIC_TYPES = new Set(['', 'application/octet-stream', 'binary/octet-stream']);

/**
 * Placeholders for entries that could not be read while walking a folder (a file moved away,
 * a folder the browser refused): the walkers return them so that classification reports them
 * with the rest instead of failing the whole drop.
 */
const unreadable = new WeakMap<File, string>();

/** An intake entry standing for a file or folder that could not be read. */
export function unreadableFile(path: string, error: unknown): IntakeFile {
  const name = path.slice(path.lastIndexOf('/') + 1) || path;
  const file = new File([], name);
  const detail = error instanceof Error ? error.message || error.name : String(error);
  unreadable.set(file, detail ? `could not be read: ${detail}` : 'could not be read');
  return { file, path };
}

export function extensionOf(name: string): string {
  const dot = name.lastIndexOf('.');
  return dot > 0 ? name.slice(dot + 1).toLowerCase() : '';
}

function isSystemPath(path: string): boolean {
  const parts = path.split('/').filter((p) => p.length > 0);
  return parts.some((part, i) => {
    const lower = part.toLowerCase();
    // Dotfiles and dot-folders: .DS_Store, ._IMG_0001.jpg (AppleDouble), .thumbnails/, .Trashes/
    if (part.startsWith('.')) return true;
    return i === parts.length - 1 ? SYSTEM_NAMES.has(lower) : SYSTEM_FOLDERS.has(lower);
  });
}

/** Why a file is not indexed, or null when it is a decodable photo. */
export function skipReason({ file, path }: IntakeFile): string | null {
  const failure = unreadable.get(file);
  if (failure) return failure;
  if (isSystemPath(path)) return REASON_SYSTEM;
  if (file.size === 0) return REASON_EMPTY;

  const type = file.type.toLowerCase().split(';')[0]!.trim();
  const ext = extensionOf(path.slice(path.lastIndexOf('/') + 1));
  if (RAW_EXTENSIONS.has(ext)) return REASON_RAW;
  if (HEIC_TYPES.has(type) || HEIC_EXTENSIONS.has(ext)) return null;
  if (isVideoFile(path, type)) return null;

  const generic = GENERIC_TYPES.has(type);
  if (!generic) {
    if (ACCEPTED_TYPES.has(type)) return null;
    if (type.startsWith('image/x-') && /raw|canon|nikon|sony|adobe-dng|fuji|olympus|panasonic|pentax/.test(type)) return REASON_RAW;
  } else if (ACCEPTED_EXTENSIONS.has(ext)) {
    return null;
  }

  const label = !generic ? type : ext ? `.${ext}` : 'no extension';
  if (type.startsWith('image/') || (generic && OTHER_IMAGE_EXTENSIONS.has(ext))) {
    return formatNotDecoded(label);
  }
  return `not an image (${label})`;
}

const byPath = (a: { path: string }, b: { path: string }): number => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0);

/** Splits added files into decodable photos (and videos) and skipped files with reasons. */
export function classifyFiles(files: IntakeFile[]): Classified {
  const accepted: IntakeFile[] = [];
  const skipped: SkippedFile[] = [];
  for (const f of files) {
    const reason = skipReason(f);
    if (reason === null) accepted.push(f);
    else skipped.push({ path: f.path, reason });
  }
  return { accepted: accepted.sort(byPath), skipped: skipped.sort(byPath) };
}

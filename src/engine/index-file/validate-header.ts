// Checks a parsed index header as hostile input: every field's type and range, every count and
// offset against the sizes given, so nothing later reads past the file or allocates from a
// number the file made up. Each failure names the field.
import { identityKey, type ModelIdentity } from '../bundle/identity';
import type { VideoMeta } from '../records';
import { FILE_RECORD_KEYS, INDEX_FORMAT, IndexFileError, type IndexFileRecord, type IndexHeader, type IndexPhoto, type IndexThumbnail } from './types';

export const LIMITS = {
  maxEmbedDim: 4096,
  /** Photo sides (the app refuses more than 100 megapixels anyway). */
  maxSide: 1_000_000,
  maxThumbnailBytes: 16 * 2 ** 20,
  maxThumbnailSide: 4096,
  maxPath: 4096,
  maxText: 1024,
  maxExtraKeys: 32,
  /** A video's length in seconds: a week. */
  maxVideoSeconds: 7 * 24 * 3600,
} as const;

const HEX64 = /^[0-9a-f]{64}$/;
const EXTRA_KEY = /^[A-Za-z][A-Za-z0-9_]{0,63}$/;
const THUMBNAIL_TYPES = new Set(['image/webp', 'image/jpeg', 'image/png']);

const fail = (message: string): never => {
  throw new IndexFileError(message);
};

function object(v: unknown, where: string): Record<string, unknown> {
  if (typeof v !== 'object' || v === null || Array.isArray(v)) fail(`${where} is not an object`);
  return v as Record<string, unknown>;
}

function int(v: unknown, where: string, min: number, max: number): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < min || v > max)
    fail(`${where} must be a whole number from ${min} to ${max} (found ${short(v)})`);
  return v as number;
}

function finite(v: unknown, where: string): number {
  if (typeof v !== 'number' || !Number.isFinite(v)) fail(`${where} must be a number (found ${short(v)})`);
  return v as number;
}

function text(v: unknown, where: string, max: number, nonEmpty = false): string {
  if (typeof v !== 'string') fail(`${where} must be a string (found ${short(v)})`);
  const s = v as string;
  if (s.length > max) fail(`${where} is longer than ${max} characters`);
  if (nonEmpty && !s.length) fail(`${where} is empty`);
  if (s.includes('\0')) fail(`${where} holds a NUL character`);
  return s;
}

function hash(v: unknown, where: string): string {
  if (typeof v !== 'string' || !HEX64.test(v)) fail(`${where} is not a SHA-256 (64 lowercase hex digits): ${short(v)}`);
  return v as string;
}

function list(v: unknown, where: string): unknown[] {
  if (!Array.isArray(v)) fail(`${where} is not a list`);
  return v as unknown[];
}

/** A value for a message, cut short (a hostile file can put anything there). */
function short(v: unknown): string {
  let s: string;
  try {
    s = typeof v === 'string' ? JSON.stringify(v) : typeof v === 'object' && v !== null ? (Array.isArray(v) ? 'a list' : 'an object') : String(v);
  } catch {
    s = typeof v;
  }
  return s.length > 80 ? `${s.slice(0, 80)}…` : s;
}

export function checkModel(v: unknown): ModelIdentity {
  const m = object(v, 'model');
  const sourceSha256 = hash(m.sourceSha256, 'model.sourceSha256');
  const dtype = m.dtype;
  if (dtype !== 'float32' && dtype !== 'float16' && dtype !== 'int8') return fail(`model.dtype must be float32, float16 or int8 (found ${short(dtype)})`);
  const converterMajor = int(m.converterMajor, 'model.converterMajor', 0, 1000);
  const key = text(m.key, 'model.key', 200);
  if (key !== identityKey(sourceSha256, dtype, converterMajor)) fail(`model.key ${short(key)} does not match the model's SHA-256, dtype and converter version`);
  const name = text(m.name, 'model.name', 200);
  const embedDim = int(m.embedDim, 'model.embedDim', 1, LIMITS.maxEmbedDim);
  return { sourceSha256, dtype, converterMajor, key, name, embedDim };
}

function checkThumbnail(v: unknown, where: string, sectionBytes: number): IndexThumbnail | null {
  if (v === null || v === undefined) return null;
  const t = object(v, where);
  const offset = int(t.offset, `${where}.offset`, 0, sectionBytes);
  const length = int(t.length, `${where}.length`, 1, LIMITS.maxThumbnailBytes);
  if (offset + length > sectionBytes) fail(`${where} (${length} bytes at ${offset}) passes the end of the thumbnail section (${sectionBytes} bytes)`);
  const type = text(t.type, `${where}.type`, 100);
  if (!THUMBNAIL_TYPES.has(type)) fail(`${where}.type must be image/webp, image/jpeg or image/png (found ${short(type)})`);
  return {
    offset,
    length,
    type,
    width: int(t.width, `${where}.width`, 1, LIMITS.maxThumbnailSide),
    height: int(t.height, `${where}.height`, 1, LIMITS.maxThumbnailSide),
  };
}

/** Whether a photo entry is a video (version 2 on): it has a `video` field. */
const isVideo = (p: unknown, version: number): boolean =>
  version >= 2 && typeof p === 'object' && p !== null && (p as Record<string, unknown>).video !== undefined && (p as Record<string, unknown>).video !== null;

/** The rows an entry announces (a photo 1, a video its frame count), checked only as far as counting needs. */
function rowCount(p: unknown, i: number, version: number): number {
  if (!isVideo(p, version)) return 1;
  const video = object((p as Record<string, unknown>).video, `photos[${i}].video`);
  const frames = list(video.frames, `photos[${i}].video.frames`);
  if (!frames.length) fail(`photos[${i}].video.frames is empty (a video has at least one frame)`);
  return frames.length;
}

function checkVideo(v: unknown, where: string): VideoMeta {
  const video = object(v, where);
  const duration = finite(video.duration, `${where}.duration`);
  if (duration < 0 || duration > LIMITS.maxVideoSeconds)
    fail(`${where}.duration must be from 0 to ${LIMITS.maxVideoSeconds} seconds (found ${short(duration)})`);
  const codec = text(video.codec, `${where}.codec`, 100);
  const frames = list(video.frames, `${where}.frames`).map((ms, j) => int(ms, `${where}.frames[${j}]`, 0, LIMITS.maxVideoSeconds * 1000));
  for (let j = 1; j < frames.length; j++)
    if (frames[j]! <= frames[j - 1]!) fail(`${where}.frames[${j}] (${frames[j]} ms) does not come after the frame before it (${frames[j - 1]} ms)`);
  return { duration, frames, codec };
}

function checkPhoto(v: unknown, i: number, version: number, sectionBytes: number): IndexPhoto {
  const where = `photos[${i}]`;
  const p = object(v, where);
  const photo: IndexPhoto = {
    hash: hash(p.hash, `${where}.hash`),
    width: int(p.width, `${where}.width`, 1, LIMITS.maxSide),
    height: int(p.height, `${where}.height`, 1, LIMITS.maxSide),
    type: text(p.type, `${where}.type`, 100),
    size: int(p.size, `${where}.size`, 0, Number.MAX_SAFE_INTEGER),
    thumbnail: checkThumbnail(p.thumbnail, `${where}.thumbnail`, sectionBytes),
  };
  // Version 1 had no videos: its readers ignored fields they did not know, and so does this one.
  if (version < 2) return photo;
  if (isVideo(p, version)) {
    photo.video = checkVideo(p.video, `${where}.video`);
    const thumbnails = list(p.frameThumbnails, `${where}.frameThumbnails`);
    if (thumbnails.length !== photo.video.frames.length)
      fail(`${where}.frameThumbnails has ${thumbnails.length} entries for ${photo.video.frames.length} frames`);
    photo.frameThumbnails = thumbnails.map((t, j) => checkThumbnail(t, `${where}.frameThumbnails[${j}]`, sectionBytes));
  } else if (p.frameThumbnails !== undefined) fail(`${where}.frameThumbnails is given for a photo that is not a video`);
  return photo;
}

function checkFile(v: unknown, i: number): IndexFileRecord {
  const where = `files[${i}]`;
  const f = object(v, where);
  const record: IndexFileRecord = {
    path: text(f.path, `${where}.path`, LIMITS.maxPath, true),
    name: text(f.name, `${where}.name`, LIMITS.maxText),
    folder: text(f.folder, `${where}.folder`, LIMITS.maxPath),
    hash: hash(f.hash, `${where}.hash`),
    size: int(f.size, `${where}.size`, 0, Number.MAX_SAFE_INTEGER),
    lastModified: finite(f.lastModified, `${where}.lastModified`),
    type: text(f.type, `${where}.type`, 100),
    addedAt: finite(f.addedAt, `${where}.addedAt`),
  };
  // Fields of newer versions: plain values under plain names are carried, anything else dropped.
  const extra: Record<string, string | number | boolean> = {};
  let n = 0;
  for (const k of Object.keys(f)) {
    if ((FILE_RECORD_KEYS as readonly string[]).includes(k) || !EXTRA_KEY.test(k) || k === 'constructor') continue;
    const value = f[k];
    if (typeof value === 'boolean' || (typeof value === 'number' && Number.isFinite(value)) || (typeof value === 'string' && value.length <= LIMITS.maxText)) {
      if (++n > LIMITS.maxExtraKeys) fail(`${where} has more than ${LIMITS.maxExtraKeys} extra fields`);
      extra[k] = value;
    }
  }
  if (n) record.extra = extra;
  return record;
}

/**
 * Checks the whole header. `bodyBytes` is what the file holds after the header: the embeddings
 * and thumbnails it announces must fill exactly that.
 */
export function checkHeader(json: unknown, version: number, bodyBytes: number): IndexHeader {
  const h = object(json, 'the header');
  if (h.format !== INDEX_FORMAT) fail(`the header's format is ${short(h.format)}, not ${INDEX_FORMAT}`);
  if (h.version !== version) fail(`the header's version (${short(h.version)}) differs from the file's (${version})`);
  const createdAt = text(h.createdAt, 'createdAt', 64);
  const createdBy = h.createdBy;
  if (createdBy !== 'app' && createdBy !== 'cli') return fail(`createdBy must be "app" or "cli" (found ${short(createdBy)})`);
  const model = checkModel(h.model);
  const thumbnailBytes = int(h.thumbnailBytes, 'thumbnailBytes', 0, bodyBytes);
  const rawPhotos = list(h.photos, 'photos');
  // Before looking at each photo: the embeddings they announce (a photo's, a video's frames') must be in the file.
  const rows = rawPhotos.reduce<number>((n, p, i) => n + rowCount(p, i, version), 0);
  const embeddingBytes = rows * model.embedDim * 4;
  if (embeddingBytes + thumbnailBytes !== bodyBytes) {
    fail(
      `the file's size does not match its header: ${rows} embeddings of ${model.embedDim} values and ${thumbnailBytes} bytes of thumbnails ` +
        `need ${embeddingBytes + thumbnailBytes} bytes after the header, the file has ${bodyBytes}${embeddingBytes + thumbnailBytes > bodyBytes ? ' (truncated?)' : ''}`,
    );
  }
  const photos = rawPhotos.map((p, i) => checkPhoto(p, i, version, thumbnailBytes));
  const hashes = new Set<string>();
  for (const [i, p] of photos.entries()) {
    if (hashes.has(p.hash)) fail(`photos[${i}] repeats the photo ${p.hash}`);
    hashes.add(p.hash);
  }
  const files = list(h.files, 'files').map(checkFile);
  const paths = new Set<string>();
  const named = new Set<string>();
  for (const [i, f] of files.entries()) {
    if (paths.has(f.path)) fail(`files[${i}] repeats the path ${short(f.path)}`);
    paths.add(f.path);
    if (!hashes.has(f.hash)) fail(`files[${i}] (${short(f.path)}) names a photo that is not in the file (${f.hash})`);
    named.add(f.hash);
  }
  const orphan = photos.findIndex((p) => !named.has(p.hash));
  if (orphan >= 0) fail(`photos[${orphan}] (${photos[orphan]!.hash}) has no file`);
  return { format: INDEX_FORMAT, version, createdAt, createdBy, model, photos, files, thumbnailBytes };
}

// The capture date a photo carries in its EXIF block: JPEG (APP1 "Exif"), PNG (`eXIf`), WebP
// (`EXIF`) and HEIC/HEIF (the `Exif` item that the `meta` box lists and locates). Plain
// TypeScript over bytes, no DOM, shared by the worker and the CLI. Every read is bounds-checked
// and every loop bounded, so hostile bytes give null, never an exception (exif-date.test.ts fuzzes it).
import { isoBoxes, type IsoBox } from './iso-bmff';

/** A capture time as the camera wrote it. */
export interface ExifCapture {
  /** The camera's wall-clock time, written as if it were UTC ("2015:06:01 12:34:56" -> Date.UTC(2015, 5, 1, 12, 34, 56)). */
  wallClock: number;
  /** Minutes east of UTC from OffsetTimeOriginal (or OffsetTime for DateTime), null when absent. */
  offsetMinutes: number | null;
}

const TAG_DATE_TIME = 0x0132;
const TAG_EXIF_IFD = 0x8769;
const TAG_DATE_TIME_ORIGINAL = 0x9003;
const TAG_OFFSET_TIME = 0x9010;
const TAG_OFFSET_TIME_ORIGINAL = 0x9011;
const TYPE_ASCII = 2;
const TYPE_LONG = 4;
/** More entries than any real IFD has: a count past it is garbage. */
const MAX_IFD_ENTRIES = 1024;
/** JPEG segments, PNG and WebP chunks looked at before giving up. */
const MAX_SEGMENTS = 4096;
const EXIF_HEADER = [0x45, 0x78, 0x69, 0x66, 0, 0]; // "Exif\0\0"

/**
 * The photo's capture date in epoch ms, or null (no EXIF, no date, malformed bytes).
 * With an offset (OffsetTimeOriginal) it is the true instant. Without one, EXIF says nothing
 * about the time zone: the camera's wall-clock time is returned written as UTC ms, so
 * formatting it in UTC shows exactly the date and time the camera showed.
 */
export function exifDate(bytes: Uint8Array | ArrayBuffer): number | null {
  const capture = exifCaptureTime(bytes);
  if (!capture) return null;
  return capture.offsetMinutes === null ? capture.wallClock : capture.wallClock - capture.offsetMinutes * 60_000;
}

/** The capture time with its offset kept apart, or null. */
export function exifCaptureTime(bytes: Uint8Array | ArrayBuffer): ExifCapture | null {
  const b = bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes);
  const tiff = exifBlock(b);
  return tiff ? tiffCaptureTime(tiff) : null;
}

/** The TIFF structure inside the file's EXIF block, or null. */
function exifBlock(b: Uint8Array): Uint8Array | null {
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return jpegExif(b);
  if (b.length >= 8 && b[0] === 0x89 && ascii(b, 1, 3) === 'PNG') return pngExif(b);
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return webpExif(b);
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') return heifExif(b);
  return null;
}

function jpegExif(b: Uint8Array): Uint8Array | null {
  let o = 2;
  for (let n = 0; n < MAX_SEGMENTS && o + 4 <= b.length; n++) {
    if (b[o] !== 0xff) return null;
    const marker = b[o + 1]!;
    if (marker === 0xff) {
      o++; // fill byte
      continue;
    }
    if (marker === 0xd8 || marker === 0x01 || (marker >= 0xd0 && marker <= 0xd7)) {
      o += 2; // markers without a length
      continue;
    }
    if (marker === 0xda || marker === 0xd9) return null; // image data: the header is over
    const length = u16(b, o + 2, false);
    if (length < 2) return null;
    const start = o + 4;
    const end = o + 2 + length;
    if (end > b.length) return null;
    if (marker === 0xe1 && hasPrefix(b, start, EXIF_HEADER)) return b.subarray(start + EXIF_HEADER.length, end);
    o = end;
  }
  return null;
}

function pngExif(b: Uint8Array): Uint8Array | null {
  let o = 8;
  for (let n = 0; n < MAX_SEGMENTS * 16 && o + 12 <= b.length; n++) {
    const length = u32(b, o, false);
    const type = ascii(b, o + 4, 4);
    const start = o + 8;
    if (length > b.length - start) return null;
    if (type === 'eXIf') return stripExifHeader(b.subarray(start, start + length));
    if (type === 'IEND') return null;
    o = start + length + 4; // data and CRC
  }
  return null;
}

function webpExif(b: Uint8Array): Uint8Array | null {
  let o = 12;
  for (let n = 0; n < MAX_SEGMENTS && o + 8 <= b.length; n++) {
    const type = ascii(b, o, 4);
    const length = u32(b, o + 4, true);
    const start = o + 8;
    if (length > b.length - start) return null;
    if (type === 'EXIF') return stripExifHeader(b.subarray(start, start + length));
    o = start + length + (length & 1); // chunks are padded to an even size
  }
  return null;
}

/**
 * HEIF (HEIC, AVIF) keeps EXIF as an item: `iinf` names the item of type "Exif", `iloc` says
 * where its bytes lie (in the file, or in the `meta` box's `idat`). The item starts with a
 * 4-byte count of bytes to skip before the TIFF header (6: "Exif\0\0").
 */
function heifExif(b: Uint8Array): Uint8Array | null {
  const meta = isoBoxes(b, 0, b.length).boxes.find((x) => x.type === 'meta');
  if (!meta) return null;
  const children = isoBoxes(b, meta.start + 4, meta.end).boxes; // a full box: version and flags first
  const iinf = children.find((x) => x.type === 'iinf');
  const iloc = children.find((x) => x.type === 'iloc');
  if (!iinf || !iloc) return null;
  const id = exifItemId(b, iinf);
  if (id === null) return null;
  const idat = children.find((x) => x.type === 'idat') ?? null;
  const place = itemLocation(b, iloc, id, idat);
  if (!place) return null;
  const item = b.subarray(place.start, place.end);
  const skip = u32(item, 0, false);
  if (item.length < 4 || skip > item.length - 4) return null;
  return stripExifHeader(item.subarray(4 + skip));
}

/** The item id of the "Exif" item in an `iinf` box, or null. */
function exifItemId(b: Uint8Array, iinf: IsoBox): number | null {
  const version = b[iinf.start] ?? 0;
  const first = iinf.start + 4 + (version === 0 ? 2 : 4);
  for (const infe of isoBoxes(b, first, iinf.end).boxes) {
    if (infe.type !== 'infe') continue;
    const v = b[infe.start] ?? 0;
    if (v < 2) continue; // versions 0 and 1 carry no item type
    const idSize = v === 2 ? 2 : 4;
    const type = ascii(b, infe.start + 4 + idSize + 2, 4);
    if (type === 'Exif' && infe.start + 4 + idSize + 6 <= infe.end) return uint(b, infe.start + 4, idSize);
  }
  return null;
}

/** Where an item's bytes lie, from an `iloc` box (its first extent; construction methods 0 and 1), or null. */
function itemLocation(b: Uint8Array, iloc: IsoBox, id: number, idat: IsoBox | null): { start: number; end: number } | null {
  const version = b[iloc.start] ?? 0;
  if (version > 2 || iloc.start + 8 > iloc.end) return null;
  const sizes = uint(b, iloc.start + 4, 2);
  const offsetSize = sizes >> 12;
  const lengthSize = (sizes >> 8) & 15;
  const baseSize = (sizes >> 4) & 15;
  const indexSize = version > 0 ? sizes & 15 : 0;
  const idSize = version < 2 ? 2 : 4;
  let o = iloc.start + 6;
  const count = uint(b, o, idSize);
  o += idSize;
  for (let i = 0; i < Math.min(count, MAX_IFD_ENTRIES) && o < iloc.end; i++) {
    const itemId = uint(b, o, idSize);
    o += idSize;
    const method = version > 0 ? uint(b, o, 2) & 15 : 0;
    if (version > 0) o += 2;
    o += 2; // data_reference_index
    const base = uint(b, o, baseSize);
    o += baseSize;
    const extents = uint(b, o, 2);
    o += 2;
    const extentSize = indexSize + offsetSize + lengthSize;
    if (extents > MAX_IFD_ENTRIES || o + extents * extentSize > iloc.end) return null;
    if (itemId === id && extents >= 1 && method <= 1) {
      const offset = base + uint(b, o + indexSize, offsetSize);
      const length = uint(b, o + indexSize + offsetSize, lengthSize);
      const origin = method === 1 ? idat : { start: 0, end: b.length };
      if (!origin || length === 0 || offset > origin.end - origin.start || length > origin.end - origin.start - offset) return null;
      return { start: origin.start + offset, end: origin.start + offset + length };
    }
    o += extents * extentSize;
  }
  return null;
}

/** Some writers keep JPEG's "Exif\0\0" in front of the TIFF structure in PNG and WebP too. */
function stripExifHeader(block: Uint8Array): Uint8Array {
  return hasPrefix(block, 0, EXIF_HEADER) ? block.subarray(EXIF_HEADER.length) : block;
}

interface Entry {
  type: number;
  count: number;
  /** Offset of the entry's 4-byte value field within the TIFF block. */
  at: number;
}

/** DateTimeOriginal (Exif sub-IFD), else DateTime (IFD0), with its offset when one is given. */
export function tiffCaptureTime(t: Uint8Array): ExifCapture | null {
  if (t.length < 8) return null;
  const order = ascii(t, 0, 2);
  if (order !== 'II' && order !== 'MM') return null;
  const le = order === 'II';
  if (u16(t, 2, le) !== 42) return null;
  const ifd0 = readIfd(t, u32(t, 4, le), le);
  if (!ifd0) return null;
  const exifPointer = ifd0.get(TAG_EXIF_IFD);
  const exifIfd = exifPointer && exifPointer.type === TYPE_LONG && exifPointer.count === 1 ? readIfd(t, u32(t, exifPointer.at, le), le) : null;

  const original = exifIfd ? parseDateTime(asciiValue(t, exifIfd.get(TAG_DATE_TIME_ORIGINAL), le)) : null;
  if (original !== null) {
    return { wallClock: original, offsetMinutes: parseOffset(asciiValue(t, exifIfd!.get(TAG_OFFSET_TIME_ORIGINAL), le)) };
  }
  const plain = parseDateTime(asciiValue(t, ifd0.get(TAG_DATE_TIME), le));
  if (plain === null) return null;
  return { wallClock: plain, offsetMinutes: exifIfd ? parseOffset(asciiValue(t, exifIfd.get(TAG_OFFSET_TIME), le)) : null };
}

function readIfd(t: Uint8Array, offset: number, le: boolean): Map<number, Entry> | null {
  if (offset < 8 || offset + 2 > t.length) return null;
  const count = u16(t, offset, le);
  if (count > MAX_IFD_ENTRIES) return null;
  const entries = new Map<number, Entry>();
  for (let i = 0; i < count; i++) {
    const o = offset + 2 + i * 12;
    if (o + 12 > t.length) break; // keep what was whole
    const tag = u16(t, o, le);
    if (!entries.has(tag)) entries.set(tag, { type: u16(t, o + 2, le), count: u32(t, o + 4, le), at: o + 8 });
  }
  return entries;
}

/** An ASCII value up to its first NUL, or null when the entry is missing, of another type or out of bounds. */
function asciiValue(t: Uint8Array, entry: Entry | undefined, le: boolean): string | null {
  if (!entry || entry.type !== TYPE_ASCII || entry.count === 0 || entry.count > 64) return null;
  const start = entry.count <= 4 ? entry.at : u32(t, entry.at, le);
  if (start + entry.count > t.length) return null;
  const text = ascii(t, start, entry.count);
  const nul = text.indexOf('\0');
  return nul >= 0 ? text.slice(0, nul) : text;
}

/** "YYYY:MM:DD HH:MM:SS" (also with "-" in the date or "T" between) as UTC ms; null for blanks and impossible dates. */
export function parseDateTime(text: string | null): number | null {
  const m = text?.trim().match(/^(\d{4})[:-](\d{2})[:-](\d{2})[ T](\d{2}):(\d{2})(?::(\d{2}))?/);
  if (!m) return null;
  const [year, month, day, hour, minute, second] = m.slice(1).map((x) => Number(x ?? 0)) as [number, number, number, number, number, number];
  if (year < 1800 || month < 1 || month > 12 || day < 1 || hour > 23 || minute > 59 || second > 59) return null;
  const ms = Date.UTC(year, month - 1, day, hour, minute, second);
  // Date.UTC rolls 31 April over to 1 May: such a date is not a date.
  if (new Date(ms).getUTCDate() !== day) return null;
  return ms;
}

/** "+02:00" / "-05:30" as minutes east of UTC, or null. */
export function parseOffset(text: string | null): number | null {
  const m = text?.trim().match(/^([+-])(\d{2}):(\d{2})$/);
  if (!m) return null;
  const hours = Number(m[2]);
  const minutes = Number(m[3]);
  if (hours > 14 || minutes > 59) return null;
  return (m[1] === '-' ? -1 : 1) * (hours * 60 + minutes);
}

function u16(b: Uint8Array, o: number, le: boolean): number {
  if (o < 0 || o + 2 > b.length) return 0;
  return le ? b[o]! | (b[o + 1]! << 8) : (b[o]! << 8) | b[o + 1]!;
}

function u32(b: Uint8Array, o: number, le: boolean): number {
  if (o < 0 || o + 4 > b.length) return 0;
  return le
    ? (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0
    : ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
}

/** A big-endian unsigned integer of 0, 1, 2, 4 or 8 bytes (0 where it would leave `b`). */
function uint(b: Uint8Array, o: number, size: number): number {
  if (size === 0 || o < 0 || o + size > b.length) return 0;
  if (size === 8) return u32(b, o, false) * 2 ** 32 + u32(b, o + 4, false);
  let v = 0;
  for (let i = 0; i < size; i++) v = v * 256 + b[o + i]!;
  return v;
}

function ascii(b: Uint8Array, o: number, n: number): string {
  let s = '';
  for (let i = o; i < o + n && i < b.length; i++) s += String.fromCharCode(b[i]!);
  return s;
}

function hasPrefix(b: Uint8Array, o: number, prefix: readonly number[]): boolean {
  return o + prefix.length <= b.length && prefix.every((v, i) => b[o + i] === v);
}

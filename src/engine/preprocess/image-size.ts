// What an image file says about itself before anything decodes it: the format from its
// signature, the pixel size from its header, and whether the file is whole (truncated PNG and
// JPEG files are refused, as the official pipeline's PIL does: "image file is truncated").
// Plain TypeScript over bytes, no DOM: the worker runs it before createImageBitmap, so a header
// that claims 100,000 x 100,000 pixels is refused without a decoder ever seeing it.
import { isoBoxes } from './iso-bmff';

export type ImageFormat = 'jpeg' | 'png' | 'gif' | 'webp' | 'bmp' | 'avif' | 'heic';

export const FORMAT_NAMES: Record<ImageFormat, string> = {
  jpeg: 'JPEG',
  png: 'PNG',
  gif: 'GIF',
  webp: 'WebP',
  bmp: 'BMP',
  avif: 'AVIF',
  heic: 'HEIC',
};

export type ImageHeader =
  /** A known format; width and height as the header gives them (null: AVIF without an `ispe` box). */
  | { kind: 'image'; format: ImageFormat; width: number | null; height: number | null }
  /** No signature of a format browsers decode. */
  | { kind: 'unknown' }
  /** The file ends inside the header, before the pixel size. */
  | { kind: 'truncated'; format: ImageFormat }
  /** A known signature, and a header no decoder would accept. */
  | { kind: 'corrupt'; format: ImageFormat; detail: string };

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const AVIF_BRANDS = new Set(['avif', 'avis']);
const HEIC_BRANDS = new Set(['heic', 'heix', 'heim', 'heis', 'hevc', 'hevx', 'hevm', 'hevs', 'mif1', 'msf1']);

/** BITMAPCOREHEADER, OS/2 2.x (16 and 64), BITMAPINFOHEADER, V2, V3, V4, V5. */
const BMP_HEADER_SIZES = new Set([12, 16, 40, 52, 56, 64, 108, 124]);

const u16be = (b: Uint8Array, o: number) => (b[o]! << 8) | b[o + 1]!;
const u16le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8);
const u24le = (b: Uint8Array, o: number) => b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16);
const u32be = (b: Uint8Array, o: number) => ((b[o]! << 24) | (b[o + 1]! << 16) | (b[o + 2]! << 8) | b[o + 3]!) >>> 0;
const u32le = (b: Uint8Array, o: number) => (b[o]! | (b[o + 1]! << 8) | (b[o + 2]! << 16) | (b[o + 3]! << 24)) >>> 0;
const ascii = (b: Uint8Array, o: number, n: number) => String.fromCharCode(...b.subarray(o, o + n));
const startsWith = (b: Uint8Array, sig: readonly number[], at = 0) => b.length >= at + sig.length && sig.every((v, i) => b[at + i] === v);

/** The format named by the file's first bytes, or null. */
export function sniffFormat(b: Uint8Array): ImageFormat | null {
  if (startsWith(b, PNG_SIGNATURE)) return 'png';
  if (b.length >= 3 && b[0] === 0xff && b[1] === 0xd8 && b[2] === 0xff) return 'jpeg';
  if (b.length >= 6 && (ascii(b, 0, 6) === 'GIF87a' || ascii(b, 0, 6) === 'GIF89a')) return 'gif';
  if (b.length >= 12 && ascii(b, 0, 4) === 'RIFF' && ascii(b, 8, 4) === 'WEBP') return 'webp';
  // "BM" alone is too weak (a text file may start with it): the DIB header size must be a known one.
  if (b.length >= 18 && b[0] === 0x42 && b[1] === 0x4d && BMP_HEADER_SIZES.has(u32le(b, 14))) return 'bmp';
  if (b.length >= 12 && ascii(b, 4, 4) === 'ftyp') {
    const brands = ftypBrands(b);
    if (brands.some((x) => AVIF_BRANDS.has(x))) return 'avif';
    if (brands.some((x) => HEIC_BRANDS.has(x))) return 'heic';
  }
  return null;
}

/**
 * Image formats that browsers do not decode, by signature, for a clearer reason than "not an
 * image" when such a file carries a photo's extension: TIFF (and the TIFF-based RAW formats:
 * CR2, NEF, ARW, DNG ...), JPEG XL, Photoshop.
 */
export function otherImageFormat(b: Uint8Array): string | null {
  if (startsWith(b, [0x49, 0x49, 0x2a, 0x00]) || startsWith(b, [0x4d, 0x4d, 0x00, 0x2a])) return 'TIFF or RAW';
  if (startsWith(b, [0xff, 0x0a]) || startsWith(b, [0, 0, 0, 0x0c, 0x4a, 0x58, 0x4c, 0x20])) return 'JPEG XL';
  if (startsWith(b, [0x38, 0x42, 0x50, 0x53])) return 'Photoshop';
  return null;
}

/** Major and compatible brands of an ISO-BMFF `ftyp` box at the start of the file. */
function ftypBrands(b: Uint8Array): string[] {
  const size = u32be(b, 0);
  const end = Math.min(b.length, size >= 16 ? size : 16);
  const brands = [ascii(b, 8, 4)];
  for (let o = 16; o + 4 <= end; o += 4) brands.push(ascii(b, o, 4));
  return brands;
}

/** Format and pixel size from the header; reads only the bytes it needs. */
export function readImageHeader(b: Uint8Array): ImageHeader {
  const format = sniffFormat(b);
  switch (format) {
    case null:
      return { kind: 'unknown' };
    case 'png':
      return pngSize(b);
    case 'jpeg':
      return jpegSize(b);
    case 'gif':
      return b.length < 10 ? { kind: 'truncated', format } : sized(format, u16le(b, 6), u16le(b, 8));
    case 'webp':
      return webpSize(b);
    case 'bmp':
      return bmpSize(b);
    case 'avif':
    case 'heic':
      return isoBmffSize(b, format);
  }
}

function sized(format: ImageFormat, width: number, height: number): ImageHeader {
  if (width < 1 || height < 1) return { kind: 'corrupt', format, detail: `the header gives ${width} x ${height} pixels` };
  return { kind: 'image', format, width, height };
}

// --- PNG ---------------------------------------------------------------------------------------

const isChunkType = (b: Uint8Array, o: number) => {
  for (let i = o; i < o + 4; i++) {
    const c = b[i]! | 0x20; // lower case
    if (c < 0x61 || c > 0x7a) return false;
  }
  return true;
};

function pngSize(b: Uint8Array): ImageHeader {
  let o = 8;
  // Apple's CgBI chunk may come before IHDR (browsers refuse those files; the size is still read).
  for (let i = 0; i < 2; i++) {
    if (b.length < o + 8 + 8) return { kind: 'truncated', format: 'png' };
    const type = ascii(b, o + 4, 4);
    if (type === 'IHDR') {
      if (u32be(b, o) < 8) return { kind: 'corrupt', format: 'png', detail: 'IHDR chunk too short' };
      return sized('png', u32be(b, o + 8), u32be(b, o + 12));
    }
    if (type !== 'CgBI') break;
    o += 12 + u32be(b, o);
  }
  return { kind: 'corrupt', format: 'png', detail: 'no IHDR chunk' };
}

// --- JPEG --------------------------------------------------------------------------------------

/** SOF0..SOF15 except DHT (C4), JPG (C8) and DAC (CC). */
const isSof = (m: number) => m >= 0xc0 && m <= 0xcf && m !== 0xc4 && m !== 0xc8 && m !== 0xcc;
/** Markers without a length: TEM, RST0..7 (and SOI). */
const isStandalone = (m: number) => m === 0x01 || (m >= 0xd0 && m <= 0xd8);

interface JpegWalk {
  /** Offset of the first SOS marker, or -1. */
  sos: number;
  /** Where the first scan's entropy-coded data starts, or -1. */
  scanData: number;
  width: number;
  height: number;
  sof: boolean;
  truncated: boolean;
  corrupt: string | null;
}

/**
 * Walks the marker segments from SOI to the first SOS, skipping each by its length (so an EXIF
 * thumbnail inside APP1, with its own SOF and EOI, is never mistaken for the photo's).
 * Fill bytes (FF FF ...) are allowed, and stray bytes between segments skipped as libjpeg does.
 */
function walkJpeg(b: Uint8Array): JpegWalk {
  const w: JpegWalk = { sos: -1, scanData: -1, width: 0, height: 0, sof: false, truncated: false, corrupt: null };
  let o = 2;
  for (;;) {
    // Find the next marker: FF (FF...) m.
    while (o < b.length && b[o] !== 0xff) o++;
    while (o < b.length && b[o] === 0xff) o++;
    if (o >= b.length) {
      w.truncated = true;
      return w;
    }
    const m = b[o]!;
    const at = o - 1;
    o++;
    if (m === 0x00 || isStandalone(m)) continue;
    if (m === 0xd9) {
      w.corrupt = 'the file ends before any image data';
      return w;
    }
    if (o + 2 > b.length) {
      w.truncated = true;
      return w;
    }
    const length = u16be(b, o);
    if (length < 2) {
      w.corrupt = 'a marker segment with a bad length';
      return w;
    }
    if (isSof(m)) {
      if (o + 7 > b.length) {
        w.truncated = true;
        return w;
      }
      if (!w.sof) {
        w.sof = true;
        w.height = u16be(b, o + 3);
        w.width = u16be(b, o + 5);
      }
    }
    if (m === 0xda) {
      if (!w.sof) {
        w.corrupt = 'image data before the frame header';
        return w;
      }
      w.sos = at;
      w.scanData = o + length;
      if (w.scanData > b.length) w.truncated = true;
      return w;
    }
    o += length;
  }
}

function jpegSize(b: Uint8Array): ImageHeader {
  const w = walkJpeg(b);
  if (w.sof) return sized('jpeg', w.width, w.height);
  if (w.corrupt) return { kind: 'corrupt', format: 'jpeg', detail: w.corrupt };
  return { kind: 'truncated', format: 'jpeg' };
}

// --- WebP --------------------------------------------------------------------------------------

function webpSize(b: Uint8Array): ImageHeader {
  if (b.length < 30) return { kind: 'truncated', format: 'webp' };
  const chunk = ascii(b, 12, 4);
  if (chunk === 'VP8 ') {
    if (b[23] !== 0x9d || b[24] !== 0x01 || b[25] !== 0x2a) return { kind: 'corrupt', format: 'webp', detail: 'no VP8 start code' };
    return sized('webp', u16le(b, 26) & 0x3fff, u16le(b, 28) & 0x3fff);
  }
  if (chunk === 'VP8L') {
    if (b[20] !== 0x2f) return { kind: 'corrupt', format: 'webp', detail: 'no VP8L signature' };
    const bits = u32le(b, 21);
    return sized('webp', (bits & 0x3fff) + 1, ((bits >>> 14) & 0x3fff) + 1);
  }
  if (chunk === 'VP8X') return sized('webp', u24le(b, 24) + 1, u24le(b, 27) + 1);
  return { kind: 'corrupt', format: 'webp', detail: `unexpected first chunk "${chunk.replace(/[^\x20-\x7e]/g, '?')}"` };
}

// --- BMP ---------------------------------------------------------------------------------------

function bmpSize(b: Uint8Array): ImageHeader {
  if (u32le(b, 14) === 12) {
    // BITMAPCOREHEADER (OS/2 1.x): 16-bit sizes.
    return b.length < 22 ? { kind: 'truncated', format: 'bmp' } : sized('bmp', u16le(b, 18), u16le(b, 20));
  }
  if (b.length < 26) return { kind: 'truncated', format: 'bmp' };
  // BITMAPINFOHEADER and later: signed 32-bit; a negative height means top-down rows.
  const width = u32le(b, 18) | 0;
  const height = u32le(b, 22) | 0;
  return sized('bmp', Math.abs(width), Math.abs(height));
}

// --- AVIF / HEIC (ISO-BMFF) -------------------------------------------------------------------

/**
 * The largest `ispe` (image spatial extent) property under meta/iprp/ipco. Every image item of
 * an AVIF file has one; the largest bounds what a decoder is asked to allocate.
 */
function isoBmffSize(b: Uint8Array, format: ImageFormat): ImageHeader {
  let best: [number, number] | null = null;
  let truncated = false;
  const walk = (start: number, end: number, depth: number) => {
    const level = isoBoxes(b, start, end);
    if (level.truncated) truncated = true;
    for (const box of level.boxes) {
      if (depth === 0 && box.type === 'meta')
        walk(box.start + 4, box.end, 1); // a full box: version and flags first
      else if (depth === 1 && box.type === 'iprp') walk(box.start, box.end, 2);
      else if (depth === 2 && box.type === 'ipco') walk(box.start, box.end, 3);
      else if (depth === 3 && box.type === 'ispe' && box.start + 12 <= box.end) {
        const width = u32be(b, box.start + 4);
        const height = u32be(b, box.start + 8);
        if (!best || width * height > best[0] * best[1]) best = [width, height];
      }
    }
  };
  walk(0, b.length, 0);
  if (best) return sized(format, best[0], best[1]);
  if (truncated) return { kind: 'truncated', format };
  return { kind: 'image', format, width: null, height: null };
}

// --- Whole file? -------------------------------------------------------------------------------

export type Completeness = { kind: 'complete' } | { kind: 'truncated' } | { kind: 'corrupt'; detail: string };

const COMPLETE: Completeness = { kind: 'complete' };
const TRUNCATED: Completeness = { kind: 'truncated' };

/** How far from the end of a JPEG the EOI marker is looked for before the whole scan is searched. */
const JPEG_TAIL = 64 * 1024;

/**
 * Whether the file holds its whole image, checked on the structure alone (no decoding):
 * - PNG: the chunks, walked by their lengths, reach IEND (bytes after IEND are allowed).
 * - JPEG: an EOI marker (FF D9) follows the first scan. FF D9 cannot occur inside entropy-coded
 *   data (FF is stuffed as FF 00), so any FF D9 after the first SOS is the end of the image:
 *   trailers after it (a Motion Photo's video, camera data) are allowed. The last 64 KB are
 *   searched first; the rest only when that finds nothing.
 * - WebP: the RIFF size fits in the file.
 * - GIF: the first frame (the one indexed) is whole: its data sub-blocks end inside the file.
 * - BMP, uncompressed: the rows fit in the file.
 * AVIF is not checked (its decoder refuses a cut file). Anything the walk does not understand
 * is left to the decoder rather than refused here.
 */
export function checkComplete(b: Uint8Array, format: ImageFormat): Completeness {
  if (format === 'png') return pngComplete(b);
  if (format === 'jpeg') return jpegComplete(b);
  if (format === 'webp') return b.length >= 8 && u32le(b, 4) + 8 <= b.length ? COMPLETE : TRUNCATED;
  if (format === 'gif') return gifComplete(b);
  if (format === 'bmp') return bmpComplete(b);
  return COMPLETE;
}

function pngComplete(b: Uint8Array): Completeness {
  let o = 8;
  for (;;) {
    if (o + 8 > b.length) return TRUNCATED;
    const length = u32be(b, o);
    if (!isChunkType(b, o + 4)) return { kind: 'corrupt', detail: `corrupt PNG structure at byte ${o}` };
    if (length > 0x7fffffff) return { kind: 'corrupt', detail: `a PNG chunk of ${length} bytes` };
    const end = o + 12 + length;
    if (end > b.length) return TRUNCATED;
    if (b[o + 4] === 0x49 && b[o + 5] === 0x45 && b[o + 6] === 0x4e && b[o + 7] === 0x44) return COMPLETE; // IEND
    o = end;
  }
}

function jpegComplete(b: Uint8Array): Completeness {
  const w = walkJpeg(b);
  if (w.corrupt) return { kind: 'corrupt', detail: w.corrupt };
  if (w.truncated || w.scanData < 0) return TRUNCATED;
  const tailStart = Math.max(w.scanData, b.length - JPEG_TAIL);
  if (hasEoi(b, tailStart, b.length) || hasEoi(b, w.scanData, Math.min(b.length, tailStart + 1))) return COMPLETE;
  return TRUNCATED;
}

/** Whether FF D9 starts anywhere in [from, to - 1). */
function hasEoi(b: Uint8Array, from: number, to: number): boolean {
  let i = from;
  while (i < to - 1) {
    i = b.indexOf(0xff, i);
    if (i < 0 || i >= to - 1) return false;
    if (b[i + 1] === 0xd9) return true;
    i++;
  }
  return false;
}

/** Offset after a chain of GIF data sub-blocks starting at `o`, or -1 when the file ends first. */
function skipSubBlocks(b: Uint8Array, o: number): number {
  for (;;) {
    if (o >= b.length) return -1;
    const n = b[o]!;
    o += 1 + n;
    if (n === 0) return o;
  }
}

function gifComplete(b: Uint8Array): Completeness {
  if (b.length < 13) return TRUNCATED;
  const flags = b[10]!;
  let o = 13 + (flags & 0x80 ? 3 << ((flags & 7) + 1) : 0);
  for (;;) {
    if (o >= b.length) return TRUNCATED;
    const block = b[o]!;
    if (block === 0x21) {
      // Extension: introducer, label, sub-blocks.
      o = skipSubBlocks(b, o + 2);
      if (o < 0) return TRUNCATED;
    } else if (block === 0x2c) {
      // The first image: descriptor, local colour table, LZW code size, data sub-blocks.
      if (o + 10 > b.length) return TRUNCATED;
      const local = b[o + 9]!;
      o += 10 + (local & 0x80 ? 3 << ((local & 7) + 1) : 0) + 1;
      return skipSubBlocks(b, o) < 0 ? TRUNCATED : COMPLETE;
    } else {
      return COMPLETE; // a trailer or a stray byte: the decoder decides
    }
  }
}

function bmpComplete(b: Uint8Array): Completeness {
  const dib = u32le(b, 14);
  const core = dib === 12;
  if (b.length < (core ? 26 : 34)) return TRUNCATED;
  const width = core ? u16le(b, 18) : Math.abs(u32le(b, 18) | 0);
  const height = core ? u16le(b, 20) : Math.abs(u32le(b, 22) | 0);
  const bpp = u16le(b, core ? 24 : 28);
  const compression = core ? 0 : u32le(b, 30);
  // BI_RGB, BI_BITFIELDS, BI_ALPHABITFIELDS: rows of whole 32-bit words. RLE and embedded JPEG/PNG vary.
  if ((compression !== 0 && compression !== 3 && compression !== 6) || ![1, 2, 4, 8, 16, 24, 32].includes(bpp)) return COMPLETE;
  const rowBytes = Math.ceil((width * bpp) / 32) * 4;
  return u32le(b, 10) + rowBytes * height <= b.length ? COMPLETE : TRUNCATED;
}

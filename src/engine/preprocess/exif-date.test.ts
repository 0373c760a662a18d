import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { demoDir } from '../testing/shared';
import { exifCaptureTime, exifDate, parseDateTime, parseOffset } from './exif-date';
import { Rng } from '../testing/fuzz';

type Value = string | number;
interface TiffSpec {
  ifd0?: Record<number, Value>;
  exif?: Record<number, Value>;
  littleEndian?: boolean;
}

/** A TIFF block by hand: strings are ASCII entries (stored after the IFDs), numbers LONG entries. */
function tiff({ ifd0 = {}, exif, littleEndian = true }: TiffSpec): Uint8Array {
  const out: number[] = [];
  const put16 = (at: number, v: number) => (littleEndian ? out.splice(at, 2, v & 255, v >> 8) : out.splice(at, 2, v >> 8, v & 255));
  const put32 = (at: number, v: number) => {
    const bytes = [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
    out.splice(at, 4, ...(littleEndian ? bytes.toReversed() : bytes));
  };
  out.push(...(littleEndian ? [0x49, 0x49] : [0x4d, 0x4d]), 0, 0, 0, 0, 0, 0);
  put16(2, 42);
  put32(4, 8);
  const ifds: Record<number, Value>[] = [exif ? { ...ifd0, 0x8769: -1 } : ifd0];
  if (exif) ifds.push(exif);
  const fixups: { at: number; text: string }[] = [];
  let exifPointerAt = -1;
  const starts: number[] = [];
  for (const ifd of ifds) {
    starts.push(out.length);
    const tags = Object.keys(ifd)
      .map(Number)
      .sort((a, b) => a - b);
    const base = out.length;
    out.push(...new Array(2 + tags.length * 12 + 4).fill(0));
    put16(base, tags.length);
    tags.forEach((tag, i) => {
      const o = base + 2 + i * 12;
      const value = ifd[tag]!;
      put16(o, tag);
      if (typeof value === 'string') {
        put16(o + 2, 2);
        put32(o + 4, value.length + 1);
        fixups.push({ at: o + 8, text: value });
      } else {
        put16(o + 2, 4);
        put32(o + 4, 1);
        if (tag === 0x8769 && value === -1) exifPointerAt = o + 8;
        else put32(o + 8, value);
      }
    });
  }
  if (exifPointerAt >= 0) put32(exifPointerAt, starts[1]!);
  for (const { at, text } of fixups) {
    const bytes = [...text].map((c) => c.charCodeAt(0)).concat(0);
    if (bytes.length <= 4) out.splice(at, bytes.length, ...bytes);
    else {
      put32(at, out.length);
      out.push(...bytes);
    }
  }
  return Uint8Array.from(out);
}

const EXIF = [0x45, 0x78, 0x69, 0x66, 0, 0];

function jpeg(block: Uint8Array): Uint8Array {
  const app1 = [...EXIF, ...block];
  const jfif = [0xff, 0xe0, 0, 16, 0x4a, 0x46, 0x49, 0x46, 0, 1, 1, 0, 0, 1, 0, 1, 0, 0];
  return Uint8Array.from([0xff, 0xd8, ...jfif, 0xff, 0xe1, (app1.length + 2) >> 8, (app1.length + 2) & 255, ...app1, 0xff, 0xda, 0, 2, 0xff, 0xd9]);
}

function chunk(type: string, data: ArrayLike<number>, le: boolean): number[] {
  const n = data.length;
  const size = le ? [n & 255, (n >> 8) & 255, (n >> 16) & 255, n >>> 24] : [n >>> 24, (n >> 16) & 255, (n >> 8) & 255, n & 255];
  const name = [...type].map((c) => c.charCodeAt(0));
  return le ? [...name, ...size, ...Array.from(data), ...(n & 1 ? [0] : [])] : [...size, ...name, ...Array.from(data), 0, 0, 0, 0];
}

function png(block: Uint8Array): Uint8Array {
  const sig = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return Uint8Array.from([
    ...sig,
    ...chunk('IHDR', new Array(13).fill(1), false),
    ...chunk('IDAT', [1, 2, 3], false),
    ...chunk('eXIf', block, false),
    ...chunk('IEND', [], false),
  ]);
}

function webp(block: Uint8Array): Uint8Array {
  const body = [
    ...[...'WEBP'].map((c) => c.charCodeAt(0)),
    ...chunk('VP8X', new Array(10).fill(0), true),
    ...chunk('ICCP', [1, 2, 3], true),
    ...chunk('EXIF', block, true),
  ];
  return Uint8Array.from([0x52, 0x49, 0x46, 0x46, body.length & 255, (body.length >> 8) & 255, 0, 0, ...body]);
}

const u32be = (v: number) => [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255];
const fourcc = (t: string) => [...t].map((c) => c.charCodeAt(0));
const box = (type: string, ...payload: number[][]) => {
  const body = payload.flat();
  return [...u32be(body.length + 8), ...fourcc(type), ...body];
};

/**
 * A HEIC by hand: ftyp, a meta box whose iinf lists an image item and the Exif item, and whose
 * iloc places the Exif item in the mdat (construction method 0) or in its own idat (1).
 */
function heif(block: Uint8Array, inIdat = false): Uint8Array {
  const exifItem = [...u32be(6), ...EXIF, ...block];
  const ftyp = box('ftyp', fourcc('heic'), u32be(0), fourcc('mif1'), fourcc('heic'));
  const infe = (id: number, type: string) => box('infe', [2, 0, 0, 0], [id >> 8, id & 255], [0, 0], fourcc(type), [0]);
  const iinf = box('iinf', [0, 0, 0, 0], [0, 2], infe(1, 'hvc1'), infe(2, 'Exif'));
  const hdlr = box('hdlr', [0, 0, 0, 0], u32be(0), fourcc('pict'), new Array(13).fill(0));
  // iloc version 1: offset and length 4 bytes, no base offset, no index; each item: id, method, data ref, extents.
  const iloc = (exifOffset: number) =>
    box(
      'iloc',
      [1, 0, 0, 0],
      [0x44, 0x00],
      [0, 2],
      [0, 1, 0, 0],
      [0, 0],
      [0, 1],
      u32be(0),
      u32be(4),
      [0, 2, 0, inIdat ? 1 : 0],
      [0, 0],
      [0, 1],
      u32be(exifOffset),
      u32be(exifItem.length),
    );
  const idat = inIdat ? box('idat', exifItem) : [];
  const metaWith = (exifOffset: number) => box('meta', [0, 0, 0, 0], hdlr, iinf, iloc(exifOffset), idat);
  const mdatStart = ftyp.length + metaWith(0).length;
  const mdat = box('mdat', [1, 2, 3, 4], inIdat ? [] : exifItem);
  return Uint8Array.from([...ftyp, ...metaWith(inIdat ? 0 : mdatStart + 8 + 4), ...mdat]);
}

const ORIGINAL = '2015:06:01 12:34:56';
const ORIGINAL_MS = Date.UTC(2015, 5, 1, 12, 34, 56);
const PLAIN = '2019:01:02 03:04:05';
const PLAIN_MS = Date.UTC(2019, 0, 2, 3, 4, 5);

describe('exifDate', () => {
  it('reads DateTimeOriginal from the Exif sub-IFD before DateTime in IFD0, in both byte orders and every container', () => {
    for (const littleEndian of [true, false]) {
      const block = tiff({ ifd0: { 0x0132: PLAIN, 0x010f: 'Camera' }, exif: { 0x9003: ORIGINAL }, littleEndian });
      for (const file of [jpeg(block), png(block), webp(block), heif(block), heif(block, true)]) expect(exifDate(file)).toBe(ORIGINAL_MS);
    }
  });

  it('falls back to DateTime in IFD0', () => {
    expect(exifDate(jpeg(tiff({ ifd0: { 0x0132: PLAIN } })))).toBe(PLAIN_MS);
    expect(exifDate(jpeg(tiff({ ifd0: { 0x0132: PLAIN }, exif: { 0x9003: '0000:00:00 00:00:00' } })))).toBe(PLAIN_MS);
  });

  it('applies OffsetTimeOriginal: the instant in UTC', () => {
    const file = jpeg(tiff({ exif: { 0x9003: ORIGINAL, 0x9011: '+02:00' } }));
    expect(exifCaptureTime(file)).toEqual({ wallClock: ORIGINAL_MS, offsetMinutes: 120 });
    expect(exifDate(file)).toBe(ORIGINAL_MS - 2 * 3_600_000);
    expect(exifDate(jpeg(tiff({ exif: { 0x9003: ORIGINAL, 0x9011: '-05:30' } })))).toBe(ORIGINAL_MS + 5.5 * 3_600_000);
  });

  it('without an offset gives the wall-clock time written as UTC', () => {
    expect(exifCaptureTime(jpeg(tiff({ exif: { 0x9003: ORIGINAL } })))).toEqual({ wallClock: ORIGINAL_MS, offsetMinutes: null });
  });

  it('gives null without EXIF, without a date, with a blank or impossible date, and for other formats', () => {
    expect(exifDate(jpeg(tiff({ ifd0: { 0x010f: 'Camera' } })))).toBeNull();
    expect(exifDate(jpeg(tiff({ exif: { 0x9003: '    :  :     :  :  ' } })))).toBeNull();
    expect(exifDate(jpeg(tiff({ exif: { 0x9003: '2021:02:30 10:00:00' } })))).toBeNull();
    expect(exifDate(Uint8Array.from([0xff, 0xd8, 0xff, 0xda, 0, 2]))).toBeNull();
    expect(exifDate(new TextEncoder().encode('GIF89a not exif'))).toBeNull();
    expect(exifDate(new Uint8Array(0))).toBeNull();
  });

  it('parses dates and offsets strictly', () => {
    expect(parseDateTime('2015:06:01 12:34:56')).toBe(ORIGINAL_MS);
    expect(parseDateTime('2015-06-01T12:34:56')).toBe(ORIGINAL_MS);
    expect(parseDateTime('1700:01:01 00:00:00')).toBeNull();
    expect(parseDateTime('2015:13:01 00:00:00')).toBeNull();
    expect(parseOffset('+14:00')).toBe(840);
    expect(parseOffset('+15:00')).toBeNull();
    expect(parseOffset('2:00')).toBeNull();
  });

  it('reads what sharp (libvips, libexif) writes into JPEG, PNG and WebP', async () => {
    const base = sharp({ create: { width: 16, height: 16, channels: 3, background: '#336699' } });
    const exif = { IFD0: { DateTime: PLAIN }, IFD2: { DateTimeOriginal: ORIGINAL, OffsetTimeOriginal: '+09:00' } };
    for (const format of ['jpeg', 'png', 'webp'] as const) {
      const bytes = await base.clone().toFormat(format).withExif(exif).toBuffer();
      expect(exifDate(bytes), format).toBe(ORIGINAL_MS - 9 * 3_600_000);
    }
    expect(exifDate(await base.clone().jpeg().toBuffer())).toBeNull();
  });

  it('reads the Exif item that libheif writes (AVIF, through sharp); a HEIC without EXIF gives null', async () => {
    const base = sharp({ create: { width: 16, height: 16, channels: 3, background: '#336699' } });
    const bytes = await base
      .clone()
      .avif()
      .withExif({ IFD2: { DateTimeOriginal: ORIGINAL, OffsetTimeOriginal: '-03:00' } })
      .toBuffer();
    expect(exifDate(bytes)).toBe(ORIGINAL_MS + 3 * 3_600_000);
    expect(exifDate(readFileSync(join(demoDir, 'heic/scene_000.heic')))).toBeNull();
  });
});

/** Seeded (mulberry32, as the other fuzz tests), so a failing case can be replayed. */
function random(seed: number): () => number {
  const rng = new Rng(seed);
  return () => rng.next();
}

function mutate(src: Uint8Array, rnd: () => number): Uint8Array {
  const b = Uint8Array.from(src);
  const pick = (n: number) => Math.floor(rnd() * n);
  switch (pick(5)) {
    case 0: // flip a few bytes
      for (let i = 0, n = 1 + pick(8); i < n; i++) b[pick(b.length)] = pick(256);
      return b;
    case 1: // truncate
      return b.subarray(0, pick(b.length));
    case 2: // a huge length or offset somewhere
      if (b.length >= 4) {
        const at = pick(Math.max(1, b.length - 4));
        b.set([0xff, 0xff, pick(256), pick(256)], at);
      }
      return b;
    case 3: // zero a run
      {
        const at = pick(b.length);
        b.fill(0, at, at + pick(32));
      }
      return b;
    default: {
      // duplicate a slice further on
      const at = pick(b.length);
      const out = new Uint8Array(b.length + 64);
      out.set(b);
      out.set(b.subarray(at, at + 64), pick(b.length));
      return out;
    }
  }
}

describe('exifDate on hostile bytes', () => {
  it('never throws and stays fast on 20,000 mutated files (seeded)', async () => {
    const block = tiff({ ifd0: { 0x0132: PLAIN }, exif: { 0x9003: ORIGINAL, 0x9011: '+01:00' } });
    const real = await sharp({ create: { width: 8, height: 8, channels: 3, background: '#884422' } })
      .jpeg()
      .withExif({ IFD2: { DateTimeOriginal: ORIGINAL } })
      .toBuffer();
    const seeds = [jpeg(block), png(block), webp(block), heif(block), heif(block, true), tiff({ ifd0: { 0x0132: PLAIN } }), new Uint8Array(real)];
    const rnd = random(20240611);
    const started = performance.now();
    let dated = 0;
    for (let i = 0; i < 20_000; i++) {
      let bytes = seeds[i % seeds.length]!;
      for (let k = 1 + Math.floor(rnd() * 3); k > 0; k--) bytes = mutate(bytes, rnd);
      let result: number | null = null;
      expect(() => (result = exifDate(bytes)), `case ${i}`).not.toThrow();
      if (result !== null) {
        expect(Number.isFinite(result)).toBe(true);
        dated++;
      }
    }
    expect(dated).toBeGreaterThan(0); // mutations that miss the date still find it
    expect(performance.now() - started).toBeLessThan(5_000);
  });
});

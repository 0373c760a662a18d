// The header reader and the completeness check, on files written by sharp (libvips) in every
// format browsers decode, on hand-made headers, and on the golden and demo images.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { demoDir, goldensDir } from '../testing/shared';
import { checkComplete, readImageHeader, sniffFormat } from './image-size';
import { pngClaiming } from './testing/png-bytes';

const W = 37;
const H = 23;
const raw = (width = W, height = H, channels: 3 | 4 = 3) => {
  const data = Buffer.alloc(width * height * channels);
  for (let i = 0; i < data.length; i++) data[i] = (i * 37 + (i >> 5)) & 0xff;
  return sharp(data, { raw: { width, height, channels } });
};
const bytes = async (s: ReturnType<typeof sharp>) => new Uint8Array(await s.toBuffer());

function bmpHeader(dib: number, width: number, height: number, pixelBytes = 16): Uint8Array {
  const b = Buffer.alloc(14 + dib + pixelBytes);
  b.write('BM', 0, 'latin1');
  b.writeUInt32LE(b.length, 2);
  b.writeUInt32LE(14 + dib, 10);
  b.writeUInt32LE(dib, 14);
  if (dib === 12) {
    b.writeUInt16LE(width, 18);
    b.writeUInt16LE(height, 20);
    b.writeUInt16LE(24, 24);
  } else {
    b.writeInt32LE(width, 18);
    b.writeInt32LE(height, 22);
    b.writeUInt16LE(24, 28); // 24 bits per pixel, BI_RGB
  }
  return b;
}

describe('readImageHeader', () => {
  it.each([
    ['jpeg', () => raw().jpeg()],
    ['jpeg', () => raw().jpeg({ progressive: true })],
    ['png', () => raw().png()],
    ['png', () => raw(W, H, 4).png({ palette: true })],
    ['gif', () => raw().gif()],
    ['webp', () => raw().webp()], // VP8
    ['webp', () => raw().webp({ lossless: true })], // VP8L
    ['webp', () => raw(W, H, 4).webp()], // VP8X (alpha)
    ['avif', () => raw().avif({ effort: 0 })],
  ] as const)('reads %s written by sharp', async (format, make) => {
    const b = await bytes(make());
    expect(readImageHeader(b)).toEqual({ kind: 'image', format, width: W, height: H });
    expect(checkComplete(b, format)).toEqual({ kind: 'complete' });
  });

  it('reads the stored (not the EXIF-rotated) size of a JPEG, and skips an EXIF thumbnail', () => {
    expect(readImageHeader(readFileSync(join(goldensDir, 'images/rotated_exif6_600x400.jpg')))).toMatchObject({ format: 'jpeg', width: 600, height: 400 });
    // APP1 holding a whole small JPEG (its own SOF and EOI) before the photo's frame header.
    const thumb = [0xff, 0xd8, 0xff, 0xc0, 0, 11, 8, 0, 7, 0, 9, 1, 1, 0x11, 0, 0xff, 0xd9];
    const app1 = [0xff, 0xe1, 0, thumb.length + 2, ...thumb];
    const sof = [0xff, 0xc2, 0, 11, 8, 0x0b, 0xb8, 0x0f, 0xa0, 1, 1, 0x11, 0];
    const sos = [0xff, 0xda, 0, 8, 1, 1, 0, 0, 63, 0];
    const jpeg = new Uint8Array([0xff, 0xd8, ...app1, 0xff, 0xff, ...sof, ...sos, 1, 2, 0xff, 0, 3, 0xff, 0xd0, 4]);
    expect(readImageHeader(jpeg)).toEqual({ kind: 'image', format: 'jpeg', width: 4000, height: 3000 });
    // The thumbnail's EOI is not the photo's: the photo's scan has none, so the file is cut.
    expect(checkComplete(jpeg, 'jpeg')).toEqual({ kind: 'truncated' });
    expect(checkComplete(new Uint8Array([...jpeg, 0xff, 0xd9]), 'jpeg')).toEqual({ kind: 'complete' });
  });

  it('reads hand-made BMP headers: core, info (negative height: top-down), V5', () => {
    expect(readImageHeader(bmpHeader(12, 300, 200))).toEqual({ kind: 'image', format: 'bmp', width: 300, height: 200 });
    expect(readImageHeader(bmpHeader(40, 640, -480))).toEqual({ kind: 'image', format: 'bmp', width: 640, height: 480 });
    expect(readImageHeader(bmpHeader(124, 100_000, 100_000))).toEqual({ kind: 'image', format: 'bmp', width: 100_000, height: 100_000 });
  });

  it('reads what a header claims, however large, without looking further', () => {
    expect(readImageHeader(pngClaiming(100_000, 100_000))).toEqual({ kind: 'image', format: 'png', width: 100_000, height: 100_000 });
    const gif = new Uint8Array([...Buffer.from('GIF89a'), 0xff, 0xff, 0xff, 0xff, 0, 0, 0]);
    expect(readImageHeader(gif)).toEqual({ kind: 'image', format: 'gif', width: 65535, height: 65535 });
    const vp8x = Buffer.alloc(30);
    vp8x.write('RIFF', 0, 'latin1');
    vp8x.writeUInt32LE(22, 4);
    vp8x.write('WEBPVP8X', 8, 'latin1');
    vp8x.writeUInt32LE(10, 16);
    vp8x.writeUIntLE(16383, 24, 3);
    vp8x.writeUIntLE(16383, 27, 3);
    expect(readImageHeader(vp8x)).toEqual({ kind: 'image', format: 'webp', width: 16384, height: 16384 });
  });

  it('takes the largest ispe of an AVIF (the primary image and its alpha or thumbnail items)', async () => {
    const b = await bytes(raw(64, 48, 4).avif({ effort: 0 }));
    expect(readImageHeader(b)).toEqual({ kind: 'image', format: 'avif', width: 64, height: 48 });
  });

  it('names HEIC by its ftyp brand, and does not know other content', () => {
    const ftyp = (major: string, ...compat: string[]) => {
      const b = Buffer.alloc(16 + 4 * compat.length + 8);
      b.writeUInt32BE(16 + 4 * compat.length, 0);
      b.write('ftyp' + major + '\0\0\0\0' + compat.join(''), 4, 'latin1');
      return new Uint8Array(b);
    };
    expect(sniffFormat(ftyp('heic', 'mif1', 'heic'))).toBe('heic');
    expect(sniffFormat(ftyp('mif1', 'avif', 'miaf'))).toBe('avif');
    expect(sniffFormat(ftyp('isom', 'mp41'))).toBe(null); // a video
    for (const text of ['just some text, named photo.jpg\n', 'BM: a text file that starts like a bitmap', '', '\x89PNG']) {
      expect(readImageHeader(new TextEncoder().encode(text))).toEqual({ kind: 'unknown' });
    }
  });

  it('says truncated when the file ends inside the header, corrupt for impossible headers', async () => {
    const png = await bytes(raw().png());
    const jpeg = await bytes(raw().jpeg());
    const webp = await bytes(raw().webp());
    expect(readImageHeader(png.subarray(0, 20))).toEqual({ kind: 'truncated', format: 'png' });
    expect(readImageHeader(jpeg.subarray(0, 30))).toEqual({ kind: 'truncated', format: 'jpeg' });
    expect(readImageHeader(webp.subarray(0, 20))).toEqual({ kind: 'truncated', format: 'webp' });
    expect(readImageHeader(pngClaiming(0, 10))).toEqual({ kind: 'corrupt', format: 'png', detail: 'the header gives 0 x 10 pixels' });
    expect(readImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xd9]))).toMatchObject({ kind: 'corrupt', format: 'jpeg' });
    expect(readImageHeader(new Uint8Array([0xff, 0xd8, 0xff, 0xe0, 0, 0]))).toMatchObject({ kind: 'corrupt', format: 'jpeg' });
  });

  it('reads every golden and demo image as its real size', async () => {
    const files = [
      ...readdirSync(join(goldensDir, 'images')).map((f) => join(goldensDir, 'images', f)),
      ...readdirSync(join(demoDir, 'gallery')).map((f) => join(demoDir, 'gallery', f)),
    ];
    for (const file of files) {
      const b = readFileSync(file);
      const meta = await sharp(b).metadata();
      const header = readImageHeader(b);
      expect(header, file).toEqual({ kind: 'image', format: meta.format === 'jpeg' ? 'jpeg' : 'png', width: meta.width, height: meta.height });
      if (header.kind === 'image') expect(checkComplete(b, header.format), file).toEqual({ kind: 'complete' });
    }
  });
});

describe('checkComplete', () => {
  it('finds a PNG cut anywhere (no IEND), and accepts bytes after IEND', async () => {
    const png = await bytes(raw(200, 120).png({ compressionLevel: 0 }));
    for (const cut of [9, 33, 40, png.length >> 1, png.length - 12, png.length - 1]) {
      expect(checkComplete(png.subarray(0, cut), 'png'), `cut at ${cut}`).toEqual({ kind: 'truncated' });
    }
    expect(checkComplete(new Uint8Array([...png, ...new TextEncoder().encode('trailing junk')]), 'png')).toEqual({ kind: 'complete' });
  });

  it('says corrupt when a PNG chunk header is not one', async () => {
    const png = await bytes(raw().png());
    const scrambled = png.slice();
    for (let i = 33; i < scrambled.length; i++) scrambled[i] = (scrambled[i]! * 7 + i * 13 + 91) & 0xff;
    expect(checkComplete(scrambled, 'png')).toMatchObject({ kind: 'corrupt' });
  });

  it('finds a JPEG cut anywhere after the header (no EOI), baseline and progressive', async () => {
    for (const progressive of [false, true]) {
      const jpeg = await bytes(raw(400, 300).jpeg({ progressive, quality: 95 }));
      for (const cut of [jpeg.length >> 2, jpeg.length >> 1, jpeg.length - 2, jpeg.length - 1]) {
        expect(checkComplete(jpeg.subarray(0, cut), 'jpeg'), `cut at ${cut}`).toEqual({ kind: 'truncated' });
      }
    }
  });

  it('accepts a JPEG with a trailer after EOI, however long (a Motion Photo video, camera data)', async () => {
    const jpeg = await bytes(raw(400, 300).jpeg());
    for (const trailer of [16, 100_000, 1_000_000]) {
      const junk = new Uint8Array(trailer);
      for (let i = 0; i < trailer; i++) junk[i] = (i * 131 + (i >> 8)) & 0xfe; // no FF: EOI only in the photo
      const b = new Uint8Array(Buffer.concat([jpeg, junk]));
      expect(checkComplete(b, 'jpeg'), `trailer of ${trailer}`).toEqual({ kind: 'complete' });
    }
  });

  it('finds a WebP whose RIFF size runs past the end', async () => {
    const webp = await bytes(raw(200, 120).webp());
    expect(checkComplete(webp.subarray(0, webp.length - 10), 'webp')).toEqual({ kind: 'truncated' });
    expect(checkComplete(new Uint8Array([...webp, 0, 0]), 'webp')).toEqual({ kind: 'complete' });
  });

  it('finds a GIF whose first frame is cut; later frames do not matter (only the first is indexed)', async () => {
    const frame = (c: string) =>
      sharp({ create: { width: 40, height: 30, channels: 3, background: c } })
        .png()
        .toBuffer();
    const still = await bytes(raw(120, 80).gif());
    expect(checkComplete(still.subarray(0, still.length >> 1), 'gif')).toEqual({ kind: 'truncated' });
    expect(checkComplete(still.subarray(0, 12), 'gif')).toEqual({ kind: 'truncated' });
    expect(checkComplete(still.subarray(0, still.length - 1), 'gif')).toEqual({ kind: 'complete' }); // only the trailer is missing
    const animated = await bytes(sharp([await frame('#f00'), await frame('#0f0'), await frame('#00f')], { join: { animated: true } }).gif());
    expect(checkComplete(animated, 'gif')).toEqual({ kind: 'complete' });
    expect(checkComplete(animated.subarray(0, animated.length - 20), 'gif')).toEqual({ kind: 'complete' });
  });

  it('finds an uncompressed BMP whose rows run past the end', () => {
    // 5 x 3 pixels, 24 bits: rows of 16 bytes (15 padded to a 4-byte multiple).
    for (const dib of [12, 40, 124]) {
      const whole = bmpHeader(dib, 5, dib === 12 ? 3 : -3, 48);
      expect(checkComplete(whole, 'bmp'), `header ${dib}`).toEqual({ kind: 'complete' });
      expect(checkComplete(whole.subarray(0, whole.length - 1), 'bmp'), `header ${dib}`).toEqual({ kind: 'truncated' });
    }
  });
});

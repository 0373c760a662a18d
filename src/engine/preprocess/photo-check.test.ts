// What checkPhotoBytes refuses before any decoder sees the bytes, with the reason shown.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import sharp from 'sharp';
import { describe, expect, it } from 'vitest';
import { checkPhotoBytes } from './photo-check';
import { REASON_EMPTY, REASON_NOT_IMAGE, REASON_TRUNCATED } from './skip-reasons';
import { pngClaiming } from './testing/png-bytes';
import { demoDir } from '../testing/shared';

const photo = async (format: 'png' | 'jpeg') =>
  new Uint8Array(
    await sharp({ create: { width: 64, height: 48, channels: 3, background: '#3a7' } })
      [format]()
      .toBuffer(),
  );

describe('checkPhotoBytes', () => {
  it('passes whole photos and gives their header size', async () => {
    expect(checkPhotoBytes(await photo('png'))).toEqual({ format: 'png', width: 64, height: 48 });
    // An iPhone photo (HEIC): its size from the ispe box.
    expect(checkPhotoBytes(readFileSync(join(demoDir, 'heic/scene_000.heic')))).toEqual({ format: 'heic', width: 448, height: 448 });
    expect(checkPhotoBytes(await photo('jpeg'))).toEqual({ format: 'jpeg', width: 64, height: 48 });
  });

  it('gives each bad input its reason', async () => {
    const png = await photo('png');
    const jpeg = await photo('jpeg');
    const cases: [string, Uint8Array, string][] = [
      ['empty', new Uint8Array(), REASON_EMPTY],
      ['text', new TextEncoder().encode('not really a photo'), REASON_NOT_IMAGE],
      ['TIFF named .jpg', new Uint8Array([0x49, 0x49, 0x2a, 0, 8, 0, 0, 0]), 'image format not decoded by browsers (TIFF or RAW) — export it as JPEG or PNG'],
      ['100k x 100k PNG', pngClaiming(100_000, 100_000), 'too large to decode (100000 x 100000 pixels)'],
      ['10001 x 10000 PNG', pngClaiming(10_001, 10_000), 'too large to decode (10001 x 10000 pixels)'],
      ['PNG cut in the middle', png.subarray(0, png.length >> 1), REASON_TRUNCATED],
      ['JPEG cut in the middle', jpeg.subarray(0, jpeg.length >> 1), REASON_TRUNCATED],
      ['PNG cut in the header', png.subarray(0, 16), REASON_TRUNCATED],
    ];
    for (const [name, bytes, reason] of cases) expect(() => checkPhotoBytes(bytes), name).toThrow(reason);
    expect(checkPhotoBytes(pngClaiming(10_000, 10_000))).toEqual({ format: 'png', width: 10_000, height: 10_000 });
  });
});

// The Node decoder: what PIL would see (grey to RGB, EXIF orientation once, no ICC), and a clear error naming the file.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { afterAll, describe, expect, it } from 'vitest';
import { decodeImageFile } from './sharp-decoder';
import { goldensDir } from '../engine/testing/shared';

const tmp = mkdtempSync(join(tmpdir(), 'decode-node-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

describe('decodeImageFile', () => {
  it('expands a grey PNG to R = G = B with opaque alpha', async () => {
    const img = await decodeImageFile(join(goldensDir, 'images/gray_320x240.png'));
    expect([img.width, img.height, img.data.length]).toEqual([320, 240, 320 * 240 * 4]);
    let varied = false,
      grey = true;
    const d = img.data;
    for (let i = 0; i < d.length; i += 4) {
      if (d[i + 1] !== d[i] || d[i + 2] !== d[i] || d[i + 3] !== 255) grey = false;
      if (d[i] !== d[0]) varied = true;
    }
    expect(grey).toBe(true);
    expect(varied).toBe(true);
  });

  it('applies EXIF orientation 6 once (600x400 stored, 400x600 upright)', async () => {
    const img = await decodeImageFile(join(goldensDir, 'images/rotated_exif6_600x400.jpg'));
    expect([img.width, img.height]).toEqual([400, 600]);
  });

  it('keeps grey + alpha as R = G = B plus the alpha', async () => {
    const file = join(tmp, 'ga.png');
    await sharp(Buffer.from([100, 128, 50, 255]), { raw: { width: 2, height: 1, channels: 2 } })
      .png()
      .toFile(file);
    const img = await decodeImageFile(file);
    expect(Array.from(img.data)).toEqual([100, 100, 100, 128, 50, 50, 50, 255]);
  });

  it('returns the stored values of an image with a non-sRGB ICC profile, as PIL does', async () => {
    const raw = Buffer.from([200, 30, 40, 20, 200, 60, 10, 20, 240, 128, 128, 128]);
    const file = join(tmp, 'p3.png');
    await sharp(raw, { raw: { width: 4, height: 1, channels: 3 } })
      .withIccProfile('p3')
      .png()
      .toFile(file);
    const stored = await sharp(file, { ignoreIcc: true }).raw().toBuffer();
    const converted = await sharp(file).raw().toBuffer();
    expect(stored.equals(converted)).toBe(false); // the profile does change colours when honoured
    const img = await decodeImageFile(file);
    const rgb = Array.from(img.data).filter((_, i) => i % 4 !== 3);
    expect(rgb).toEqual(Array.from(stored));
  });

  it('says which file is not an image', async () => {
    const file = join(tmp, 'not-an-image.jpg');
    writeFileSync(file, 'hello');
    await expect(decodeImageFile(file)).rejects.toThrow(`${file}: not a decodable image (`);
    await expect(decodeImageFile(join(tmp, 'missing.png'))).rejects.toThrow(/ENOENT/);
  });
});

// HEIC photos (iPhone's format) decoded by libheif through ImageMagick's WebAssembly build: the
// demo's HEIC scenes against the same scenes as PNG (HEVC at quality 92 is lossy: a bound).
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test } from 'vitest';
import { demoDir } from '../testing/shared';
import { decodeHeif } from './heif-decode';

const wasm = () => readFileSync(createRequire(import.meta.url).resolve('@imagemagick/magick-wasm/magick.wasm'));
const scenes = Array.from({ length: 8 }, (_, i) => `scene_${String(i).padStart(3, '0')}`);

test('the demo HEIC scenes decode to their PNG twins, within HEVC quality 92 error', async () => {
  for (const scene of scenes) {
    const heic = await decodeHeif(readFileSync(join(demoDir, `heic/${scene}.heic`)), wasm);
    const { data, info } = await sharp(join(demoDir, `gallery/${scene}.png`))
      .ensureAlpha()
      .raw()
      .toBuffer({ resolveWithObject: true });
    expect([heic.width, heic.height], scene).toEqual([info.width, info.height]);
    let sum = 0;
    let max = 0;
    let opaque = 0;
    for (let i = 0; i < data.length; i++) {
      if (i % 4 === 3) {
        if (heic.data[i] === 255) opaque++;
        continue;
      }
      const d = Math.abs(heic.data[i]! - data[i]!);
      sum += d;
      max = Math.max(max, d);
    }
    expect(opaque).toBe(data.length / 4);
    // Measured: mean 0.41-0.82, max 49-101 (at the shapes' sharp edges: 4:2:0 chroma). A wrong
    // colour matrix or a turned image would move the mean by several units.
    expect(sum / ((data.length * 3) / 4), scene).toBeLessThan(1.5);
    expect(max, scene).toBeLessThan(128);
  }
});

test('a damaged HEIC gets the reason shown to the user', async () => {
  const bytes = readFileSync(join(demoDir, 'heic/scene_000.heic'));
  await expect(decodeHeif(bytes.subarray(0, bytes.length >> 1), wasm)).rejects.toThrow(
    'could not be decoded (a damaged HEIC, or one this browser does not support)',
  );
  await expect(decodeHeif(new Uint8Array(64), wasm)).rejects.toThrow('could not be decoded (a damaged HEIC');
});

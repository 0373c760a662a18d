// Reading decoded pixels: the VideoFrame copy (the app's path) gives the same bytes as drawing
// the bitmap on a canvas and calling getImageData, for every golden image, every EXIF
// orientation and a PNG with graded transparency (no premultiplication round trip).
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import sharp from 'sharp';
import { expect, test } from '@playwright/test';
import { goldensDir, readJson, serveShared } from './shared-files';

const golden = readJson(join(goldensDir, 'golden.json')) as { images: { file: string }[] };

/** 48 x 32 JPEGs tagged with each EXIF orientation 1..8, and a PNG whose alpha runs 0..255. */
async function generated(dir: string): Promise<string[]> {
  const w = 48;
  const h = 32;
  const rgb = Buffer.alloc(w * h * 3);
  const rgba = Buffer.alloc(w * h * 4);
  for (let y = 0; y < h; y++) {
    for (let x = 0; x < w; x++) {
      const c = [x < w / 2 ? 230 : 20, y < h / 2 ? 200 : 40, (x * 5) % 256];
      rgb.set(c, (y * w + x) * 3);
      rgba.set([...c, Math.round(((y * w + x) / (w * h - 1)) * 255)], (y * w + x) * 4);
    }
  }
  const names: string[] = [];
  for (let o = 1; o <= 8; o++) {
    names.push(`exif-${o}.jpg`);
    writeFileSync(
      join(dir, names.at(-1)!),
      await sharp(rgb, { raw: { width: w, height: h, channels: 3 } })
        .jpeg({ quality: 92 })
        .withMetadata({ orientation: o })
        .toBuffer(),
    );
  }
  names.push('alpha.png');
  writeFileSync(
    join(dir, 'alpha.png'),
    await sharp(rgba, { raw: { width: w, height: h, channels: 4 } })
      .png()
      .toBuffer(),
  );
  return names;
}

test('the VideoFrame readback gives exactly the canvas pixels', async ({ page }) => {
  const dir = mkdtempSync(join(tmpdir(), 'longclip-decode-'));
  const names = await generated(dir);
  await serveShared(page);
  await page.route('**/__generated/*', (route) => route.fulfill({ body: readFileSync(join(dir, new URL(route.request().url()).pathname.split('/').pop()!)) }));
  await page.goto('/e2e/harness/index.html');
  await expect(page.locator('body[data-ready="true"]')).toBeAttached();

  const urls = [...golden.images.map((im) => `/__shared/goldens/${im.file}`), ...names.map((n) => `/__generated/${n}`)];
  const results = await page.evaluate((u) => window.harness.compareReadback(u), urls);
  for (const r of results) {
    expect(r.lengths[0], r.url).toBe(r.lengths[1]);
    expect(r.differing, `${r.url}: bytes that differ (max ${r.maxDiff})`).toBe(0);
  }
  // The bitmap applied each EXIF orientation (5..8 swap width and height), and the PNG kept its alpha.
  expect(results.slice(-9, -1).map((r) => r.size)).toEqual([...Array.from({ length: 4 }, () => [48, 32]), ...Array.from({ length: 4 }, () => [32, 48])]);
  const n = 48 * 32;
  const translucent = Array.from({ length: n }, (_, i) => Math.round((i / (n - 1)) * 255)).filter((a) => a < 255).length;
  expect(results.at(-1)!.translucent).toBe(translucent);
});

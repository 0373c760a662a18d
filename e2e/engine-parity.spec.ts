// The engine inside Chromium: converting from a File, then the golden parity on WASM and on
// WebGPU (headless Chromium's SwiftShader adapter), with the browser's own image decoding.
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { cosine, goldensDir, readF32, readJson, serveShared } from './shared-files';
import { orderViolations } from '../src/engine/testing/ranking';

interface Golden {
  texts: { text: string; tokens: number[]; tokens_untruncated: number; embedding: number[] }[];
  images: { file: string; pixels: string; embedding: number[] }[];
  cosine_text_image: number[][];
}
const golden = readJson(join(goldensDir, 'golden.json')) as Golden;
const shared = (rel: string) => `/__shared/goldens/${rel}`;

async function openHarness(page: Page): Promise<void> {
  await serveShared(page);
  await page.goto('/e2e/harness/index.html');
  await expect(page.locator('body[data-ready="true"]')).toBeAttached();
}

async function convert(page: Page, checkpoint: string, dtype: 'float32' | 'float16') {
  await page.setInputFiles('#checkpoint', join(goldensDir, checkpoint));
  await page.setInputFiles('#vocab', join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'));
  return page.evaluate((d) => window.harness.convert(d), dtype);
}

test.describe.configure({ mode: 'serial' });

test('headless Chromium exposes a WebGPU adapter', async ({ page }) => {
  await openHarness(page);
  const info = await page.evaluate(() => window.harness.gpuInfo());
  expect(info.hasGpu).toBe(true);
});

for (const [provider, dtype, bound] of [
  ['wasm', 'float32', 0.99999],
  ['webgpu', 'float32', 0.9999],
  ['wasm', 'float16', 0.999],
  ['webgpu', 'float16', 0.999],
] as const) {
  test(`${dtype} bundle converted in the page on ${provider}: golden parity`, async ({ page }) => {
    await openHarness(page);
    const { manifest } = await convert(page, 'tiny-longclip-fp32.pt', dtype);
    expect(manifest.architecture.text.contextLength).toBe(248);
    // SwiftShader has no shader-f16, so a float16 bundle computes in float32 here.
    expect(await page.evaluate((p) => window.harness.load(p), provider)).toEqual({ provider, compute: 'float32' });

    const texts = await page.evaluate(
      (t) => window.harness.embedTexts(t),
      golden.texts.map((t) => t.text),
    );
    texts.forEach((t, i) => {
      const ref = golden.texts[i]!;
      expect(t.ids, ref.text).toEqual(ref.tokens);
      expect(t.untruncated).toBe(ref.tokens_untruncated);
      expect(cosine(t.embedding, ref.embedding), ref.text).toBeGreaterThanOrEqual(bound);
    });

    const fromPixels = await page.evaluate(
      (urls) => window.harness.embedPixelFiles(urls),
      golden.images.map((im) => shared(im.pixels)),
    );
    fromPixels.forEach((e, i) => expect(cosine(e, golden.images[i]!.embedding), golden.images[i]!.file).toBeGreaterThanOrEqual(bound));

    // The browser decodes the files itself; the engine's preprocessing must meet the pixel bound.
    const decoded = await page.evaluate(
      (urls) => window.harness.embedImageFiles(urls),
      golden.images.map((im) => shared(im.file)),
    );
    decoded.forEach((d, i) => {
      const ref = readF32(join(goldensDir, golden.images[i]!.pixels));
      let sum = 0,
        max = 0;
      for (let k = 0; k < ref.length; k++) {
        const diff = Math.abs(d.pixels[k]! - ref[k]!);
        sum += diff;
        max = Math.max(max, diff);
      }
      expect(sum / ref.length, golden.images[i]!.file).toBeLessThanOrEqual(0.006);
      expect(max, golden.images[i]!.file).toBeLessThanOrEqual(0.15);
    });
    texts.forEach((t, ti) => {
      const ours = decoded.map((d) => cosine(t.embedding, d.embedding));
      expect(orderViolations(golden.cosine_text_image[ti]!, ours, 0.002), golden.texts[ti]!.text).toEqual([]);
    });
  });
}

test('a file that is not a checkpoint fails in the page with a clear message', async ({ page }) => {
  await openHarness(page);
  await page.setInputFiles('#checkpoint', join(goldensDir, 'golden.json'));
  await page.setInputFiles('#vocab', join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'));
  const message = await page.evaluate(() => window.harness.convertError());
  expect(message).toMatch(/golden\.json.*not a PyTorch checkpoint/);
});

// Shared steps for the app's Playwright tests on the demo model and gallery.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { expect, type Page } from '@playwright/test';
import { demoDir, goldensDir, readJson } from './shared-files';

export interface DemoQuery {
  query: string;
  kind: 'twin' | 'single';
  context: number;
  target: string;
  ranking: string[];
  cosine: number[];
}
export const demo = readJson(join(demoDir, 'demo.json')) as { queries: DemoQuery[]; gallery: { file: string }[]; twins: [string, string][] };
export const galleryDir = join(demoDir, 'gallery');
export const galleryFiles = readdirSync(galleryDir)
  .filter((f) => f.endsWith('.png'))
  .sort()
  .map((f) => join(galleryDir, f));

export async function importDemoModel(page: Page): Promise<void> {
  await page.getByLabel('Import model').setInputFiles([join(demoDir, 'demo-longclip.pt'), join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz')]);
  await expectModelLoaded(page, 180_000);
}

/** The model is loaded (its panel may be closed: set-up closes itself once a model and photos are there). */
export async function expectModelLoaded(page: Page, timeout = 120_000): Promise<void> {
  await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toBeAttached({ timeout });
}

/** Opens the set-up panel (model, photos, index file) and keeps it open, as a click in it does. */
export async function openSetup(page: Page): Promise<void> {
  const toggle = page.getByRole('button', { name: /^Photos and model/ });
  if ((await toggle.getAttribute('aria-expanded')) === 'true') {
    // Open by itself: a click in it keeps it open when the library arrives.
    await page.getByRole('complementary', { name: 'Photos and model' }).getByRole('heading').first().click();
  } else await toggle.click();
  await expect(toggle).toHaveAttribute('aria-expanded', 'true');
}

/** The whole library ranked, not only the matches (kept for the rest of the test's visits). */
export async function showAllPhotos(page: Page): Promise<void> {
  const toggle = page.getByRole('switch', { name: 'Show all photos' });
  if (await toggle.isChecked()) return;
  await toggle.check();
  // The matches stay on screen, marked busy, until the whole ranking comes.
  await expect(page.getByRole('list', { name: 'Results' })).toHaveAttribute('aria-busy', 'false');
}

export async function expectStatus(page: Page, text: string): Promise<void> {
  await expect(page.getByRole('status').filter({ hasText: 'indexed' })).toHaveText(text, { timeout: 240_000 });
}

/** The first result is `file` with a score within 0.01 of the official cosine (so it is this query's ranking). */
export async function expectTopResult(page: Page, file: string, officialCosine: number): Promise<void> {
  const first = page.getByRole('list', { name: 'Results' }).getByRole('listitem').first();
  await expect
    .poll(
      async () => {
        const text = (await first.textContent()) ?? '';
        const score = Number(text.match(/-?\d+\.\d{3}/)?.[0] ?? NaN);
        return text.includes(file) && Math.abs(score - officialCosine) < 0.01;
      },
      { timeout: 60_000, message: `top result should be ${file} (official cosine ${officialCosine})` },
    )
    .toBe(true);
}

/** Queries whose official top-1 beats the second by more than 0.002. */
export function decisiveQueries(context: number): DemoQuery[] {
  return demo.queries.filter((q) => q.context === context && q.cosine[0]! - q.cosine[1]! > 0.002);
}

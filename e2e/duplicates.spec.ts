// "Find duplicates" on the demo gallery plus two files made here: an exact copy of one scene
// under another name (the same photo: identical files) and another scene saved again as JPEG
// (a near-duplicate: other bytes, nearly the same embedding).
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, test, type Locator, type Page } from '@playwright/test';
import sharp from 'sharp';
import { expectStatus, galleryDir, galleryFiles, importDemoModel } from './demo-app';
import { demoDir, readJson } from './shared-files';

// Twins differ in one object's colour only, so the demo model may find them near-duplicates of
// each other: the scenes copied here are not twins, so their groups hold what the test made.
const twins = new Set((readJson(join(demoDir, 'demo.json')) as { twins: [string, string][] }).twins.flat());
const [copied, reencoded] = galleryFiles.filter((f) => !twins.has(basename(f)));
const copyName = 'copy of a scene.png';
const nearName = 'scene saved as jpeg.jpg';

function groups(page: Page): Locator {
  return page.getByRole('list', { name: 'Duplicate groups' }).getByRole('listitem');
}

/** The file count of the largest group shown. */
async function largestGroup(page: Page): Promise<number> {
  const sizes = await groups(page).evaluateAll((items) => items.map((li) => li.querySelectorAll('button').length));
  return Math.max(0, ...sizes);
}

test('groups a re-encoded photo with its original and a copied file as identical files; the threshold moves the groups', async ({ page }) => {
  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  await page.getByLabel('Add folder').setInputFiles(galleryDir);
  await expectStatus(page, `${galleryFiles.length} photos indexed (${galleryFiles.length} newly embedded)`);
  const jpeg = await sharp(readFileSync(reencoded!)).jpeg({ quality: 90 }).toBuffer();
  await page.getByLabel('Add photos').setInputFiles([
    { name: copyName, mimeType: 'image/png', buffer: readFileSync(copied!) },
    { name: nearName, mimeType: 'image/jpeg', buffer: jpeg },
  ]);
  // The copy is the same photo (nothing to embed); the JPEG is a new one.
  await expectStatus(page, `${galleryFiles.length + 2} photos indexed (1 newly embedded)`);

  await page.getByRole('button', { name: 'Find duplicates' }).click();
  await expect(page.getByRole('heading', { name: 'Duplicates' })).toBeVisible();
  const threshold = page.getByRole('spinbutton', { name: 'Similarity at least' });
  await expect(threshold).toHaveValue('0.95');

  const near = groups(page).filter({ hasText: nearName });
  await expect(near).toHaveCount(1);
  await expect(near).toContainText(basename(reencoded!));
  await expect(near.getByRole('heading')).toHaveText(/^Similarity (0\.9[5-9]\d|1\.000) · 2 files$/);
  const identical = groups(page).filter({ hasText: copyName });
  await expect(identical).toHaveCount(1);
  await expect(identical.getByRole('heading')).toHaveText('Identical files · 2 files');
  await expect(identical).toContainText(basename(copied!));
  const largestAtDefault = await largestGroup(page);

  // A photo opens in the viewer.
  await near.getByRole('button', { name: nearName }).click();
  await expect(page.getByRole('dialog').getByRole('heading', { name: nearName })).toBeVisible();
  await page.getByRole('dialog').getByRole('button', { name: 'Close' }).click();

  // 1.00: only what is the same photo stays (one copy was made).
  await threshold.fill('1');
  await expect(page.getByRole('status').filter({ hasText: 'group' })).toHaveText('1 group, 2 files');
  await expect(groups(page).filter({ hasText: nearName })).toHaveCount(0);
  await expect(groups(page).filter({ hasText: copyName }).getByRole('heading')).toHaveText('Identical files · 2 files');

  // 0.5: distinct scenes join, and groups grow; the near-duplicate is still with its original.
  await threshold.fill('0.5');
  await expect.poll(() => largestGroup(page), { timeout: 30_000 }).toBeGreaterThan(largestAtDefault);
  await expect(groups(page).filter({ hasText: nearName })).toContainText(basename(reencoded!));

  await page.getByRole('button', { name: 'Back to results' }).click();
  await expect(page.getByRole('list', { name: 'Library' })).toBeVisible();
});

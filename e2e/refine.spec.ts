// Sort, filters and the minimum score over the results: the demo gallery plus a "Camera" folder
// built here with sharp (one JPEG with an EXIF capture date older than its file date).
import { mkdirSync, mkdtempSync, utimesSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import sharp from 'sharp';
import { demo, expectStatus, galleryDir, galleryFiles, importDemoModel, showAllPhotos } from './demo-app';

/** Writes a file and sets its modification time (what the browser reports as lastModified). */
function writeDated(path: string, bytes: Buffer, date: string): void {
  writeFileSync(path, bytes);
  const t = new Date(date);
  utimesSync(path, t, t);
}

/** Camera/exif.jpg (taken 1999-06-01 by EXIF, file date 2030), Camera/Old/plain.jpg (2001), Camera/shot.png (2010). */
async function cameraFolder(): Promise<string> {
  const root = mkdtempSync(join(tmpdir(), 'refine-'));
  const camera = join(root, 'Camera');
  mkdirSync(join(camera, 'Old'), { recursive: true });
  const exif = await sharp(galleryFiles[3])
    .jpeg({ quality: 95 })
    .withExif({ IFD2: { DateTimeOriginal: '1999:06:01 12:00:00' } })
    .toBuffer();
  writeDated(join(camera, 'exif.jpg'), exif, '2030-01-01T12:00:00Z');
  writeDated(join(camera, 'Old', 'plain.jpg'), await sharp(galleryFiles[5]).jpeg({ quality: 95 }).toBuffer(), '2001-03-01T12:00:00Z');
  writeDated(join(camera, 'shot.png'), await sharp(galleryFiles[7]).png({ compressionLevel: 1 }).toBuffer(), '2010-03-01T12:00:00Z');
  return camera;
}

const names = (page: Page) => page.getByRole('list', { name: 'Results' }).locator('.card-name').allTextContents();

test('minimum score, type, folder, date sort (by EXIF date) and date range', async ({ page }) => {
  const camera = await cameraFolder();
  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  await page.getByLabel('Add folder').setInputFiles(galleryDir);
  await expectStatus(page, '40 photos indexed (40 newly embedded)');
  await page.getByLabel('Add folder').setInputFiles(camera);
  await expectStatus(page, '43 photos indexed (3 newly embedded)');

  const query = demo.queries.find((q) => q.context === 248)!;
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(query.query);
  const results = page.getByRole('list', { name: 'Results' });
  const count = page.locator('.results-count');
  // First the matches only; these checks are about the whole library ranked.
  await expect(count).toHaveText(/^\d+ match(es)? of 43 photos$/);
  await showAllPhotos(page);
  await expect(count).toHaveText('43 results');
  const refine = page.getByRole('group', { name: 'Sort and filter' });

  // A minimum above the best score: no photo, the reason, and the way back.
  const top = Number(await results.locator('.card-cosine').first().textContent());
  const min = (top + 0.1).toFixed(3);
  await refine.getByLabel('Minimum score value').fill(min);
  await expect(refine.getByRole('checkbox', { name: 'Minimum score' })).toBeChecked();
  await expect(page.getByText(`No good match: the best photo scores ${top.toFixed(3)}, below your minimum of ${min}.`)).toBeVisible();
  await expect(results).toHaveCount(0);
  await page.getByRole('button', { name: 'Show the closest matches anyway' }).click();
  await expect(refine.getByRole('checkbox', { name: 'Minimum score' })).not.toBeChecked();
  await expect(count).toHaveText('43 results');
  await expect(results.getByRole('listitem').first()).toContainText(top.toFixed(3));

  // Type: only the JPEGs. Folder: a folder with its subfolders, or one subfolder.
  await refine.getByLabel('Type', { exact: true }).selectOption({ label: 'JPEG' });
  await expect(count).toHaveText('2 of 43 results');
  expect((await names(page)).sort()).toEqual(['exif.jpg', 'plain.jpg']);
  await refine.getByLabel('Type', { exact: true }).selectOption({ label: 'All types' });
  await refine.getByLabel('Folder', { exact: true }).selectOption('Camera/Old');
  await expect(count).toHaveText('1 of 43 results');
  expect(await names(page)).toEqual(['plain.jpg']);
  await refine.getByLabel('Folder', { exact: true }).selectOption('Camera');
  await expect(count).toHaveText('3 of 43 results');

  // Date order uses the EXIF capture date (1999), not exif.jpg's file date (2030).
  await refine.getByLabel('Sort', { exact: true }).selectOption({ label: 'Oldest first' });
  await expect.poll(() => names(page)).toEqual(['exif.jpg', 'plain.jpg', 'shot.png']);
  await refine.getByLabel('Sort', { exact: true }).selectOption({ label: 'Newest first' });
  await expect.poll(() => names(page)).toEqual(['shot.png', 'plain.jpg', 'exif.jpg']);
  // The viewer walks the same list.
  await results.getByRole('listitem').first().getByRole('button').click();
  const viewer = page.getByRole('dialog');
  await expect(viewer.getByRole('heading', { name: 'shot.png' })).toBeVisible();
  await expect(viewer.getByText('1 of 3')).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await page.keyboard.press('ArrowRight');
  await expect(viewer.getByRole('heading', { name: 'exif.jpg' })).toBeVisible();
  await expect(viewer.getByText(/^Taken .*1999/)).toBeVisible();
  await viewer.getByRole('button', { name: 'Close' }).click();

  // A date range, whole days inclusive, by the same dates.
  await refine.getByRole('button', { name: 'Clear filters' }).click();
  await expect(count).toHaveText('43 results');
  await refine.getByLabel('From', { exact: true }).fill('1999-06-01');
  await refine.getByLabel('To', { exact: true }).fill('1999-06-01');
  await expect(count).toHaveText('1 of 43 results');
  expect(await names(page)).toEqual(['exif.jpg']);
  await refine.getByLabel('To', { exact: true }).fill('2001-03-01');
  await expect.poll(() => names(page)).toEqual(['plain.jpg', 'exif.jpg']);

  // Filters that hide everything say so, with their own way back.
  await refine.getByLabel('From', { exact: true }).fill('1990-01-01');
  await refine.getByLabel('To', { exact: true }).fill('1990-12-31');
  await expect(page.getByText('No photos match these filters (they hide all 43 results).')).toBeVisible();
  await page.getByRole('button', { name: 'Clear filters' }).click();
  await expect(count).toHaveText('43 results');
});

// The library survives a reload: the model starts from browser storage, the index is kept,
// and adding the same folder again embeds nothing.
import { readFileSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import { expectStatus, galleryDir, galleryFiles, importDemoModel, openSetup } from './demo-app';

test('a reload keeps the model and the index; the same folder again embeds nothing', async ({ page }) => {
  await page.goto('/?provider=wasm');
  // Photos added before any model wait for it; indexing them is not "resuming" anything.
  await page.getByLabel('Add folder').setInputFiles(galleryDir);
  await expect(page.getByText(`${galleryFiles.length} photos wait for a model`)).toBeVisible();
  // The main area says so too, and what to do.
  await expect(page.getByRole('region', { name: 'Library' })).toContainText(`${galleryFiles.length} photos are waiting for a model: download one`);
  await importDemoModel(page);
  await expectStatus(page, `${galleryFiles.length} photos indexed (${galleryFiles.length} newly embedded)`);
  await expect(page.getByText(/Resuming indexing/)).toHaveCount(0);

  await page.reload();
  await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toBeAttached({ timeout: 120_000 });
  const results = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill('A picture with a mint background. In the centre there is a small purple square.');
  await expect(results.first()).toContainText(/scene_\d{3}\.png/);

  await page.getByLabel('Add folder').setInputFiles(galleryDir);
  await expectStatus(page, `${galleryFiles.length} photos indexed (0 newly embedded)`);
});

test('two different photos with the same name, added without a folder, both stay in the library after a reload', async ({ page }) => {
  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  const [a, b] = [galleryFiles[0]!, galleryFiles[1]!].map((f) => ({ name: 'holiday.png', mimeType: 'image/png', buffer: readFileSync(f) }));
  await page.getByLabel('Add photos').setInputFiles([a!]);
  await expectStatus(page, '1 photo indexed (1 newly embedded)');
  await page.getByLabel('Add photos').setInputFiles([b!]);
  await expectStatus(page, '2 photos indexed (1 newly embedded)');

  // The start-up integrity check runs on the reload: neither photo is an orphan it would delete.
  await page.reload();
  await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toBeAttached({ timeout: 120_000 });
  const library = page.getByRole('list', { name: 'Library' }).getByRole('listitem');
  await expect(library).toHaveCount(2);
  await expect(library.filter({ hasText: 'holiday.png' })).toHaveCount(1);
  await expect(library.filter({ hasText: 'holiday (2).png' })).toHaveCount(1);
  await openSetup(page);
  await expect(page.getByText('2 files in the library, 2 photos indexed for this model.')).toBeVisible();
});

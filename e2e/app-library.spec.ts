// The library survives a reload: the model starts from browser storage, the index is kept,
// and adding the same folder again embeds nothing.
import { expect, test } from '@playwright/test';
import { expectStatus, galleryDir, galleryFiles, importDemoModel } from './demo-app';

test('a reload keeps the model and the index; the same folder again embeds nothing', async ({ page }) => {
  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  await page.getByLabel('Add folder').setInputFiles(galleryDir);
  await expectStatus(page, `${galleryFiles.length} photos indexed (${galleryFiles.length} newly embedded)`);

  await page.reload();
  await expect(page.getByRole('group', { name: 'Active model' })).toBeVisible({ timeout: 120_000 });
  const results = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill('A picture with a mint background. In the centre there is a small purple square.');
  await expect(results.first()).toContainText(/scene_\d{3}\.png/);

  await page.getByLabel('Add folder').setInputFiles(galleryDir);
  await expectStatus(page, `${galleryFiles.length} photos indexed (0 newly embedded)`);
});

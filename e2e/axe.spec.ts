// axe-core on the app's main states, each in the light and the dark colour scheme: the empty
// app, an error banner, results for a query, the set-up panel with a model and photos, the
// viewer (with its sentence list open, also on a phone), the duplicates view and the albums view.
import { AxeBuilder } from '@axe-core/playwright';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { decisiveQueries, expectStatus, expectTopResult, galleryDir, galleryFiles, importDemoModel, openSetup } from './demo-app';
import { demoDir } from './shared-files';

/** axe's violations in both colour schemes, as "scheme id: targets" lines (soft: every state is checked). */
async function expectNoViolations(page: Page, state: string): Promise<void> {
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    const { violations } = await new AxeBuilder({ page }).analyze();
    const lines = violations.map((v) => `${colorScheme} ${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`);
    expect.soft(lines, `axe violations: ${state}, ${colorScheme}`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('no axe violations in the empty app, an error, results, set-up, the viewer, the duplicates and albums views, light and dark', async ({ page }) => {
  await page.goto('/?provider=wasm');
  await expect(page.getByLabel('Import model')).toBeVisible();
  await expectNoViolations(page, 'empty app');

  // A file that is no model: the import fails with an error banner.
  await page.getByLabel('Import model').setInputFiles(join(demoDir, 'demo.json'));
  const banner = page.getByRole('alert').filter({ hasText: 'Model:' });
  await expect(banner).toBeVisible();
  await expectNoViolations(page, 'error banner');
  await banner.getByRole('button', { name: /^Dismiss/ }).click();

  await importDemoModel(page);
  await page.getByLabel('Add folder').setInputFiles(galleryDir);
  await expectStatus(page, `${galleryFiles.length} photos indexed (${galleryFiles.length} newly embedded)`);
  const q = decisiveQueries(248)[0]!;
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(q.query);
  await expectTopResult(page, q.target, q.cosine[0]!);
  await expectNoViolations(page, 'results');

  await openSetup(page);
  await expect(page.getByRole('group', { name: 'Active model' })).toBeVisible();
  await expectNoViolations(page, 'set-up panel with a model and photos');
  await page.getByRole('button', { name: /^Photos and model/ }).click();

  await page.getByRole('switch', { name: 'Sentence-aware' }).check();
  await page.getByRole('list', { name: 'Results' }).getByRole('listitem').first().getByRole('button').click();
  const viewer = page.getByRole('dialog');
  await expect(viewer.getByRole('img')).toBeVisible();
  await viewer.getByLabel('Sentence matches').click();
  await expect(viewer.locator('.sentence-matches li').first()).toBeVisible();
  await expectNoViolations(page, 'viewer with its sentence list open');
  const desktop = page.viewportSize()!;
  await page.setViewportSize({ width: 360, height: 740 });
  await expectNoViolations(page, 'viewer on a phone');
  await page.setViewportSize(desktop);
  await viewer.getByRole('button', { name: 'Close' }).click();
  await expect(viewer).toHaveCount(0);

  await page.getByRole('button', { name: 'Find duplicates' }).click();
  await expect(page.getByRole('heading', { name: 'Duplicates' })).toBeVisible();
  await expectNoViolations(page, 'duplicates view');

  await page.getByRole('button', { name: 'Back to results' }).click();
  await page.getByRole('button', { name: 'Albums' }).click();
  await page.getByRole('textbox', { name: 'Categories' }).fill('navy\nmint\nsalmon');
  await page.getByText('Sentence templates').click();
  await page.getByRole('textbox', { name: 'Templates' }).fill('a photo of a {}.\na picture');
  await expect(page.getByRole('list', { name: 'Albums' }).getByRole('listitem')).not.toHaveCount(0);
  await page.getByRole('list', { name: 'Albums' }).getByRole('button').first().click();
  await expect(page.getByRole('list', { name: 'Album photos' }).getByRole('listitem').first()).toBeVisible();
  await expectNoViolations(page, 'albums view with a template error and an album browsed');
});

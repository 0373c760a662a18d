// The README screenshots: the demo model, the demo gallery and a demo query, on a desktop
// (1280 x 800, docs/screenshot.png) and on a phone (360 x 740, docs/screenshot-phone.png).
// Skipped unless SCREENSHOT=1:  SCREENSHOT=1 npx playwright test e2e/screenshot.spec.ts
import { expect, test, type Page } from '@playwright/test';
import { decisiveQueries, expectStatus, expectTopResult, galleryFiles, importDemoModel } from './demo-app';

test.skip(process.env.SCREENSHOT !== '1', 'set SCREENSHOT=1 to write docs/screenshot.png and docs/screenshot-phone.png');
test.use({ viewport: { width: 1280, height: 800 } });

const query = decisiveQueries(248)[0]!;

async function shoot(page: Page, path: string): Promise<void> {
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(query.query);
  await expectTopResult(page, query.ranking[0]!, query.cosine[0]!);
  // Every thumbnail on screen is drawn before the shot.
  await expect.poll(() => page.evaluate(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0))).toBe(true);
  await page.getByRole('textbox', { name: 'Describe the photo' }).blur();
  await page.screenshot({ path });
}

test('README screenshots', async ({ page }) => {
  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  await page.getByLabel('Add photos').setInputFiles(galleryFiles);
  await expectStatus(page, `${galleryFiles.length} photos indexed (${galleryFiles.length} newly embedded)`);
  // A returning visit: the library and the model are there, set-up stays closed.
  await page.reload();
  await expect(page.getByRole('button', { name: /^Photos and model/ })).toContainText('40 photos');
  await shoot(page, 'docs/screenshot.png');
  await page.setViewportSize({ width: 360, height: 740 });
  await page.reload();
  await expect(page.getByRole('button', { name: /^Photos and model/ })).toContainText('40 photos');
  await shoot(page, 'docs/screenshot-phone.png');
});

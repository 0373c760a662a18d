// The README screenshot: the demo model, the demo gallery and a demo query, at 1280x800.
// Skipped unless SCREENSHOT=1:  SCREENSHOT=1 npx playwright test e2e/screenshot.spec.ts
import { expect, test } from '@playwright/test';
import { decisiveQueries, expectStatus, expectTopResult, galleryFiles, importDemoModel } from './demo-app';

test.skip(process.env.SCREENSHOT !== '1', 'set SCREENSHOT=1 to write docs/screenshot.png');
test.use({ viewport: { width: 1280, height: 800 } });

test('README screenshot', async ({ page }) => {
  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  await page.getByLabel('Add photos').setInputFiles(galleryFiles);
  await expectStatus(page, `${galleryFiles.length} photos indexed (${galleryFiles.length} newly embedded)`);

  const query = decisiveQueries(248)[0]!;
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(query.query);
  await expectTopResult(page, query.ranking[0]!, query.cosine[0]!);
  // Every thumbnail on screen is drawn before the shot.
  await expect.poll(() => page.evaluate(() => [...document.images].every((img) => img.complete && img.naturalWidth > 0))).toBe(true);
  await page.getByRole('textbox', { name: 'Describe the photo' }).blur();
  await page.screenshot({ path: 'docs/screenshot.png' });
});

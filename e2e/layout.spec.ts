// Search first on a phone: set-up opens itself while the model or the photos are missing and
// closes once both are there; photos dropped anywhere are added; the description box is in the
// first screen. Then the default cut: only the photos that stand out are listed, with their
// relevance in words, "no photo stands out" for an unrelated text, and Show all for the rest.
import { readFileSync } from 'node:fs';
import { basename } from 'node:path';
import { expect, test } from '@playwright/test';
import { decisiveQueries, expectStatus, galleryFiles, importDemoModel } from './demo-app';

test.use({ viewport: { width: 360, height: 740 } });

test('a phone: set-up opens itself, photos drop anywhere, the search is in the first screen; matches, relevance and Show all', async ({ page }) => {
  await page.goto('/?provider=wasm');
  const setup = page.getByRole('button', { name: /^Photos and model/ });
  const panel = page.getByRole('complementary', { name: 'Photos and model' });
  await expect(setup).toHaveAttribute('aria-expanded', 'true');
  await expect(panel).toBeVisible();
  await importDemoModel(page);
  // No photos yet: set-up stays open.
  await expect(panel).toBeVisible();

  const files = galleryFiles.map((f) => ({ name: basename(f), bytes: [...readFileSync(f)] }));
  const dataTransfer = await page.evaluateHandle((list) => {
    const dt = new DataTransfer();
    for (const f of list) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: 'image/png' }));
    return dt;
  }, files);
  // Dropped on the results area, far from the Photos panel's drop zone.
  await page.locator('main').dispatchEvent('drop', { dataTransfer });
  await expectStatus(page, '40 photos indexed (40 newly embedded)');
  await expect(setup).toHaveAttribute('aria-expanded', 'false');
  await expect(panel).toBeHidden();
  await expect(setup).toContainText('40 photos');

  // A returning visit on the phone: the description box is in the first screen.
  await page.reload();
  await expect(setup).toContainText('demo-longclip', { timeout: 120_000 });
  await expect(setup).toHaveAttribute('aria-expanded', 'false');
  const box = page.getByRole('textbox', { name: 'Describe the photo' });
  const rect = await box.boundingBox();
  expect(rect!.y).toBeGreaterThanOrEqual(0);
  expect(rect!.y + rect!.height).toBeLessThanOrEqual(740);
  // The header's button opens set-up any time, and closes it again.
  await setup.click();
  await expect(panel).toBeVisible();
  await setup.click();
  await expect(panel).toBeHidden();

  // A described scene: only matches are listed, each says so, the described one first.
  const q = decisiveQueries(248)[0]!;
  await box.fill(q.query);
  const list = page.getByRole('list', { name: 'Results' });
  const count = page.locator('.results-count');
  await expect(list.getByRole('listitem').first()).toContainText(q.target);
  await expect(list).toHaveAttribute('aria-busy', 'false');
  await expect(count).toHaveText(/^\d+ match(es)? of 40 photos$/);
  const matches = Number((await count.textContent())!.split(' ')[0]);
  expect(matches).toBeGreaterThan(0);
  expect(matches).toBeLessThan(40);
  await expect(list.getByRole('listitem').first()).toContainText(/(Strong match|Match)\d\.\d{3}/);
  for (const text of await list.getByRole('listitem').allTextContents()) expect(text).toMatch(/(Strong match|Match)/);
  // The viewer: the same words, the number behind them, and the cosine.
  await list.getByRole('listitem').first().getByRole('button').click();
  const viewer = page.getByRole('dialog', { name: q.target });
  await expect(viewer).toContainText(/(Strong match|Match) \(\+\d+\.\d σ\)/);
  await expect(viewer).toContainText(/Score 0\.9\d{2}/);
  await viewer.getByRole('button', { name: 'Close' }).click();

  // An unrelated text: no photo stands out, and the way to see the ranking anyway.
  await box.fill('a bowl of ramen on a wooden table');
  await expect(page.getByText('No photo stands out for this description.')).toBeVisible();
  await expect(count).toHaveText('0 matches of 40 photos');
  await expect(list).toHaveCount(0);
  const showAll = page.getByRole('switch', { name: 'Show all photos' });
  await showAll.check();
  await expect(count).toHaveText('40 results');
  await expect(list.getByRole('listitem').first()).toBeVisible();
  await expect(list).toHaveAttribute('aria-busy', 'false');
  for (const text of await list.getByRole('listitem').allTextContents()) expect(text).toMatch(/(Weak|No match)-?\d/);
  await showAll.uncheck();
  await expect(count).toHaveText('0 matches of 40 photos');
});

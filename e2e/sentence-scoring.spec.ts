// Sentence-aware scoring in the app: the switch re-ranks by 1/2 whole-text cosine + 1/2 the mean
// of the per-sentence cosines, and the viewer lists each sentence's score and which ones match.
import { expect, test, type Page } from '@playwright/test';
import { splitSentences } from '../src/engine/query/sentences';
import { demo, expectStatus, expectTopResult, galleryDir, importDemoModel, showAllPhotos } from './demo-app';

/** Name -> score of every result card in the grid (the 40 demo photos fit in the rendered rows). */
async function scores(page: Page): Promise<Map<string, number>> {
  const cards = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
  await expect(cards.first()).toBeVisible();
  const texts = await cards.allTextContents();
  return new Map(texts.map((t) => [t.match(/scene_\d{3}\.png/)![0], Number(t.match(/-?\d+\.\d{3}/)![0])]));
}

test('sentence-aware scoring re-ranks with the per-sentence scores the viewer shows', async ({ page }) => {
  const q = demo.queries.find((x) => x.kind === 'twin' && x.context === 248)!;
  const twin = demo.twins.find((t) => t.includes(q.target))!.find((f) => f !== q.target)!;
  const sentences = splitSentences(q.query);

  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  await page.getByLabel('Add folder').setInputFiles(galleryDir);
  await expectStatus(page, '40 photos indexed (40 newly embedded)');
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(q.query);
  await expectTopResult(page, q.target, q.cosine[0]!);
  // The twin too, matched or not.
  await showAllPhotos(page);
  await expect(page.getByRole('list', { name: 'Results' }).getByRole('listitem').filter({ hasText: twin })).toHaveCount(1);
  const whole = await scores(page);

  const toggle = page.getByRole('switch', { name: 'Sentence-aware' });
  await toggle.check();
  // The score of the first result changes once the sentence-aware ranking is in.
  await expect.poll(async () => (await scores(page)).get(q.target) !== whole.get(q.target), { timeout: 60_000 }).toBe(true);
  const aware = await scores(page);

  // The viewer of the target and of its twin: one score per sentence, and the combined score is
  // the mean of the whole-text score and the sentence scores (to the 3 decimals shown).
  const perSentence = new Map<string, number[]>();
  for (const name of [q.target, twin]) {
    await page.getByRole('list', { name: 'Results' }).getByRole('listitem').filter({ hasText: name }).getByRole('button').click();
    const viewer = page.getByRole('dialog', { name: name });
    const summary = viewer.getByLabel('Sentence matches');
    await expect(summary).toHaveText(new RegExp(`^Matches (none of the ${sentences.length} sentences|sentences? [\\d, ]+ of ${sentences.length})$`));
    await summary.click();
    const items = viewer.locator('.sentence-matches li');
    await expect(items).toHaveCount(sentences.length);
    // Matched / not matched first; the numbers on request.
    await expect(items.nth(0)).toHaveText(/^(Matched|Not matched)/);
    await viewer.getByRole('button', { name: 'Show numbers' }).click();
    const values = (await items.allTextContents()).map((t) => Number(t.match(/^-?\d+\.\d{3}/)![0]));
    await expect(items.nth(0)).toContainText(sentences[0]!);
    perSentence.set(name, values);
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    expect(Math.abs(aware.get(name)! - (0.5 * whole.get(name)! + 0.5 * mean))).toBeLessThan(0.0021);
    await viewer.getByRole('button', { name: 'Close' }).click();
  }
  // The twins differ only in the colour of the shape described last: that sentence tells them apart.
  const last = sentences.length - 1;
  expect(perSentence.get(q.target)![last]!).toBeGreaterThan(perSentence.get(twin)![last]!);

  // The setting is kept across a reload; off again gives the plain ranking back.
  await page.reload();
  await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toBeAttached({ timeout: 120_000 });
  await expect(page.getByRole('switch', { name: 'Sentence-aware' })).toBeChecked();
  await page.getByRole('switch', { name: 'Sentence-aware' }).uncheck();
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(q.query);
  await expectTopResult(page, q.target, q.cosine[0]!);
});

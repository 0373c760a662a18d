// The "Advanced query" field on the demo gallery: a syntax error points at its column and the
// results stay, a photo term ranks that photo first at 1.000, a negative photo term moves a
// description's target out of first place, weights scale away, and the viewer's example
// buttons write photo terms into the field (the scores follow the weighted sum of unit embeddings).
import { expect, test } from '@playwright/test';
import { decisiveQueries, expectStatus, expectTopResult, galleryDir, importDemoModel } from './demo-app';

/** Text in double quotes, escaped as the query language reads it. */
const quote = (text: string) => `"${text.replace(/[\\"]/g, (c) => `\\${c}`)}"`;

test('advanced query: errors, photo terms, negative terms, weights and examples from the viewer', async ({ page }) => {
  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  await page.getByLabel('Add folder').setInputFiles(galleryDir);
  await expectStatus(page, '40 photos indexed (40 newly embedded)');

  const q = decisiveQueries(248)[0]!;
  const target = q.ranking[0]!;
  const box = page.getByRole('textbox', { name: 'Describe the photo' });
  const advanced = page.getByRole('textbox', { name: 'Advanced query' });
  const disclosure = page.locator('summary', { hasText: 'Advanced query' });
  const results = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
  const first = results.first();
  const problem = page.getByRole('alert').filter({ hasText: 'column' });

  // The plain description alone: its official top-1. The disclosure starts closed.
  await box.fill(q.query);
  await expectTopResult(page, target, q.cosine[0]!);
  await expect(advanced).toBeHidden();
  await disclosure.click();

  // A malformed query: the error quotes the offending part and its column; the results stay.
  await advanced.fill('"at night" people');
  await expect(problem).toContainText('Put text in double quotes, like "a red car".');
  await expect(problem).toContainText('At column 12: people');
  await expect(advanced).toHaveAttribute('aria-invalid', 'true');
  await expectTopResult(page, target, q.cosine[0]!);

  // The description plus a negative example of its target: the target leaves first place.
  await advanced.fill(`-photo:${quote(target)}`);
  await expect(problem).toHaveCount(0);
  await expect(first).not.toContainText(target);

  // A photo alone ranks itself first with a cosine of 1.
  await box.fill('');
  await advanced.fill('photo:"scene_005.png"');
  await expect(first).toContainText('scene_005.png');
  await expect(first).toContainText('1.000');

  // A weighted text alone ranks as the plain description does, with the same cosine.
  await advanced.fill(`2:${quote(q.query)}`);
  await expectTopResult(page, target, q.cosine[0]!);

  // The viewer's "Use as negative example" writes the term (opening the field) and closes the viewer.
  await disclosure.click();
  await expect(advanced).toBeHidden();
  const path = await first.getByRole('button').getAttribute('title');
  expect(path).toMatch(new RegExp(`/${target}$`));
  await first.getByRole('button').click();
  const viewer = page.getByRole('dialog');
  await expect(viewer).toBeVisible();
  await viewer.getByRole('button', { name: 'Use as negative example' }).click();
  await expect(viewer).toBeHidden();
  await expect(advanced).toBeVisible();
  await expect(advanced).toHaveValue(`2:${quote(q.query)} -photo:${quote(path!)}`);
  // 2t - p over unit vectors, made unit length: the target's score is (2c - 1) / sqrt(5 - 4c), c its cosine with the text.
  const c = q.cosine[0]!;
  const expected = (2 * c - 1) / Math.sqrt(5 - 4 * c);
  const targetCard = results.filter({ hasText: target });
  await expect
    .poll(async () => Math.abs(Number((await targetCard.textContent())?.match(/-?\d+\.\d{3}/)?.[0]) - expected), {
      message: `${target} should score ${expected.toFixed(3)}`,
    })
    .toBeLessThan(0.01);
});

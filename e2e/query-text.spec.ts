// Whatever text a user types or pastes is tokenised without error: empty, a 10,000-word paste
// (cut at 248 with the warning shown), control characters, a lone surrogate, emoji and
// right-to-left text. Each still ranks the indexed photos.
import { expect, test, type Page } from '@playwright/test';
import { expectStatus, galleryFiles, importDemoModel, showAllPhotos } from './demo-app';

/** Sets the query as a paste would: through the textarea's value and an input event (lone surrogates cannot cross the driver's JSON). */
async function typeQuery(page: Page, codeUnits: number[]): Promise<void> {
  await page.getByRole('textbox', { name: 'Describe the photo' }).evaluate((el, units) => {
    const text = String.fromCharCode(...units);
    const setter =
      Object.getOwnPropertyDescriptor(HTMLTextAreaElement.prototype, 'value')?.set ??
      Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')!.set!;
    setter.call(el, text);
    el.dispatchEvent(new Event('input', { bubbles: true }));
  }, codeUnits);
}

const units = (s: string) => Array.from({ length: s.length }, (_, i) => s.charCodeAt(i));

test('any query text is tokenised and ranked; a long one is cut at 248 with a warning', async ({ page }) => {
  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  const photos = galleryFiles.slice(0, 6);
  await page.getByLabel('Add photos').setInputFiles(photos);
  await expectStatus(page, `${photos.length} photos indexed (${photos.length} newly embedded)`);
  const results = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
  const counter = page.locator('#token-counter');

  const paste = Array.from({ length: 10_000 }, (_, i) => ['red', 'circle', 'on', 'a', 'blue', 'square'][i % 6]).join(' ');
  await typeQuery(page, units(paste));
  await expect(counter).toContainText('10002 / 248');
  await expect(counter).toContainText('The text will be cut after 248 tokens.');
  // Ranked: every photo, whether or not it stands out for these texts.
  await showAllPhotos(page);
  await expect(results).toHaveCount(photos.length);

  const cases: [string, number[]][] = [
    ['control characters', units('a red\u0000 circle\u0007 on\u001b a\u007f blue square')],
    ['a lone surrogate', [...units('a red circle '), 0xd800, ...units(' on a blue square')]],
    ['emoji', units('a red circle 🔴 on a blue square 🟦 👩🏽‍🚀🇫🇷')],
    ['right-to-left text', units('דירה עם מרפסת على شاطئ البحر a red circle')],
  ];
  for (const [what, text] of cases) {
    await typeQuery(page, text);
    await expect(counter, what).not.toContainText('—');
    await expect(counter, what).not.toContainText('will be cut');
    await expect(results, what).toHaveCount(photos.length);
  }
  await expect(page.getByRole('alert')).toHaveCount(0);

  // Clearing the box leaves no error, no stale warning, and no count of the start and end tokens alone.
  await typeQuery(page, []);
  await expect(counter).not.toContainText('will be cut');
  await expect(counter).not.toContainText('/ 248');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('the first Tab stop is a skip link to the description box; the switches say what they do; the page has its icon', async ({ page }) => {
  const icon = page.waitForResponse((r) => r.url().endsWith('/icon.svg'));
  await page.goto('/?provider=wasm');
  expect((await icon).status()).toBe(200);
  await importDemoModel(page);
  await page.keyboard.press('Tab');
  const skip = page.getByRole('link', { name: 'Skip to search' });
  await expect(skip).toBeFocused();
  await expect(skip).toBeInViewport();
  await page.keyboard.press('Enter');
  await expect(page.getByRole('textbox', { name: 'Describe the photo' })).toBeFocused();
  // The switches explain themselves on the page (a tooltip reaches neither touch nor keyboard users).
  await expect(page.getByRole('switch', { name: 'CLIP view' })).toHaveAccessibleDescription(/reads only the first 77 tokens/);
  await expect(page.getByRole('switch', { name: 'Sentence-aware' })).toHaveAccessibleDescription(/scores each sentence on its own/);
});

test('a changed query never shows the earlier results as current: More like this, back to the text, CLIP view', async ({ page }) => {
  // Each search's text encoding waits 400 ms: the grid between two queries is seen.
  await page.goto('/?provider=wasm&e2e&searchDelay=400');
  await importDemoModel(page);
  const photos = galleryFiles.slice(0, 6);
  await page.getByLabel('Add photos').setInputFiles(photos);
  await expectStatus(page, `${photos.length} photos indexed (${photos.length} newly embedded)`);
  const list = page.getByRole('list', { name: 'Results' });
  const cards = list.getByRole('listitem');
  const score = async (card: ReturnType<typeof cards.first>) => Number(((await card.textContent()) ?? '').match(/-?\d+\.\d{3}/)![0]);
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill('A picture with a salmon background and a large green cross.');
  // Six photos: every one ranked, matches or not.
  await showAllPhotos(page);

  // More like this from the viewer: the photo itself scores 1.000.
  await cards.first().click();
  await page.getByRole('dialog').getByRole('button', { name: 'More like this' }).click();
  await expect(page.getByRole('dialog')).toHaveCount(0);
  await expect(list).toHaveAttribute('aria-busy', 'false');
  expect(await score(cards.first())).toBe(1);

  // Back to the text query, then CLIP view: each change marks the grid at once, until its own results come.
  await page.getByRole('button', { name: 'Back to the text query' }).click();
  await expect(list).toHaveAttribute('aria-busy', 'true');
  await expect(list).toHaveAttribute('aria-busy', 'false');
  expect(await score(cards.first())).toBeLessThan(1);
  await page.getByRole('switch', { name: 'CLIP view' }).click();
  await expect(list).toHaveAttribute('aria-busy', 'true');
  await expect(list).toHaveAttribute('aria-busy', 'false');

  // The viewer's score is the current query's: the card's.
  const first = await score(cards.first());
  expect(first).toBeLessThan(1);
  await cards.first().click();
  await expect(page.getByRole('dialog')).toContainText(`Score ${first.toFixed(3)}`);
});

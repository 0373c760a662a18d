// Whatever text a user types or pastes is tokenised without error: empty, a 10,000-word paste
// (cut at 248 with the warning shown), control characters, a lone surrogate, emoji and
// right-to-left text. Each still ranks the indexed photos.
import { expect, test, type Page } from '@playwright/test';
import { expectStatus, galleryFiles, importDemoModel } from './demo-app';

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

  // Clearing the box leaves no error and no stale warning.
  await typeQuery(page, []);
  await expect(counter).not.toContainText('will be cut');
  await expect(page.getByRole('alert')).toHaveCount(0);
});

test('the first Tab stop is a skip link to the description box; the page has its icon', async ({ page }) => {
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
});

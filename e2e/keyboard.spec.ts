// Keyboard only, once the model and the demo gallery are in: the skip link, the description box,
// the date fields (one Tab stop each), the grid (one Tab stop; arrows, Home, End, Page Down move
// the focus) and the viewer, which gives the focus back to the card of the photo it showed last.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { decisiveQueries, expectStatus, galleryFiles, importDemoModel } from './demo-app';

const isFocused = (target: Locator) => target.evaluate((el) => el === document.activeElement);

/** Presses Tab until `target` has the focus, at most `max` times; returns how many. */
async function tabTo(page: Page, target: Locator, max: number): Promise<number> {
  for (let presses = 1; presses <= max; presses++) {
    await page.keyboard.press('Tab');
    if (await isFocused(target)) return presses;
  }
  throw new Error(`not focused after ${max} Tab presses`);
}

test('the page, the date fields, the grid and the viewer work from the keyboard', async ({ page }) => {
  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  await page.getByLabel('Add photos').setInputFiles(galleryFiles);
  await expectStatus(page, `${galleryFiles.length} photos indexed (${galleryFiles.length} newly embedded)`);

  // The skip link first, then the description.
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to search' })).toBeFocused();
  await page.keyboard.press('Enter');
  const box = page.getByRole('textbox', { name: 'Describe the photo' });
  await expect(box).toBeFocused();
  await page.keyboard.insertText(decisiveQueries(248)[0]!.query);
  const results = page.getByRole('list', { name: 'Results' });
  await expect(results.getByRole('listitem').first()).toBeVisible();
  await expect(results).toHaveAttribute('aria-busy', 'false');

  // Where the results show only the photos that stand out, show them all: the grid needs rows to walk.
  const showAll = page.getByRole('switch', { name: 'Show all photos' });
  if ((await showAll.count()) > 0 && !(await showAll.isChecked())) {
    await tabTo(page, showAll, 20);
    await page.keyboard.press('Space');
    await expect(showAll).toBeChecked();
  }
  await expect(results.getByRole('listitem').first()).toHaveAttribute('aria-setsize', String(galleryFiles.length));

  // Each date field is one Tab stop. A value that is not a date says so when the field is left;
  // a year in To reads as its last day.
  const refine = page.getByRole('group', { name: 'Sort and filter' });
  const from = refine.getByLabel('From', { exact: true });
  const to = refine.getByLabel('To', { exact: true });
  await tabTo(page, from, 20);
  await page.keyboard.type('2024-13');
  await page.keyboard.press('Tab');
  await expect(to).toBeFocused();
  await expect(from).toHaveAttribute('aria-invalid', 'true');
  await expect(refine.getByRole('alert')).toHaveText('“2024-13” is not a date: there is no month 13. From is not applied.');
  await expect(from).toHaveAccessibleDescription(/YYYY-MM-DD.*there is no month 13/);
  await page.keyboard.type('2999');
  await page.keyboard.press('Tab');
  await expect(to).not.toBeFocused();
  await expect(to).toHaveValue('2999-12-31');
  await page.keyboard.press('Shift+Tab');
  await expect(to).toBeFocused();
  await page.keyboard.press('Shift+Tab');
  await expect(from).toBeFocused();
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  await expect(refine.getByRole('alert')).toHaveCount(0);
  await expect(from).toHaveAttribute('aria-invalid', 'false');
  await page.keyboard.press('Tab');
  await page.keyboard.press('ControlOrMeta+a');
  await page.keyboard.press('Backspace');
  await expect(to).toHaveValue('');

  // The grid is one Tab stop, on its first card; a further Tab leaves it.
  const card = (n: number) => results.locator(`[role="listitem"][aria-posinset="${n}"] > button`);
  const inGrid = () => results.evaluate((list) => list.contains(document.activeElement));
  let presses = 0;
  while (!(await inGrid())) {
    expect(++presses, 'Tab presses from the To field to the grid').toBeLessThanOrEqual(10);
    await page.keyboard.press('Tab');
  }
  await expect(card(1)).toBeFocused();
  await expect(results.locator('.card-button[tabindex="0"]')).toHaveCount(1);
  await page.keyboard.press('Tab');
  expect(await inGrid()).toBe(false);
  await page.keyboard.press('Shift+Tab');
  await expect(card(1)).toBeFocused();

  // Arrows by one card and one row, Home and End (a card whose row was not yet in the DOM), Page Down.
  const count = galleryFiles.length;
  const columns = await results
    .locator('.grid-row')
    .first()
    .evaluate((row) => getComputedStyle(row).gridTemplateColumns.split(' ').length);
  expect(columns).toBeGreaterThan(1);
  await page.keyboard.press('ArrowRight');
  await expect(card(2)).toBeFocused();
  await page.keyboard.press('ArrowDown');
  await expect(card(2 + columns)).toBeFocused();
  await page.keyboard.press('ArrowLeft');
  await expect(card(1 + columns)).toBeFocused();
  await page.keyboard.press('ArrowUp');
  await expect(card(1)).toBeFocused();
  await page.keyboard.press('End');
  await expect(card(count)).toBeFocused();
  await page.keyboard.press('Home');
  await expect(card(1)).toBeFocused();
  await page.keyboard.press('PageDown');
  const paged = Number(await page.evaluate(() => document.activeElement?.closest('[role="listitem"]')?.getAttribute('aria-posinset')));
  expect(paged === count || (paged > 1 && (paged - 1) % columns === 0), `Page Down from the first card landed on ${paged}`).toBe(true);
  await page.keyboard.press('Home');
  await expect(card(1)).toBeFocused();

  // Enter opens the viewer; ArrowRight shows the next photo; Escape closes it on that photo's card.
  await page.keyboard.press('ArrowRight');
  await expect(card(2)).toBeFocused();
  const second = await card(2).locator('.card-name').textContent();
  const third = await card(3).locator('.card-name').textContent();
  await page.keyboard.press('Enter');
  const viewer = page.getByRole('dialog');
  await expect(viewer.getByRole('heading', { name: second!, exact: true })).toBeVisible();
  await page.keyboard.press('ArrowRight');
  await expect(viewer.getByRole('heading', { name: third!, exact: true })).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(viewer).toHaveCount(0);
  await expect(card(3)).toBeFocused();
  // The grid's Tab stop followed the focus there.
  await page.keyboard.press('Tab');
  expect(await inGrid()).toBe(false);
  await page.keyboard.press('Shift+Tab');
  await expect(card(3)).toBeFocused();
  await expect(results.locator('.card-button[tabindex="0"]')).toHaveCount(1);

  // Scrolled far from that card (its row leaves the DOM), the grid is still one Tab stop that leads back to it.
  await page.keyboard.press('Tab');
  await page.locator('.grid-scroller').evaluate((el) => el.scrollTo(0, el.scrollHeight));
  await expect(card(3)).toHaveCount(0);
  await page.keyboard.press('Shift+Tab');
  await expect(card(3)).toBeFocused();
});

// The viewer on a phone (360 x 740): the photo, its name, score and every button fit with the
// sentence list open. Full size after a reload: a photo added with Add photos says how to see it
// full size; a photo of a remembered folder is read through the folder's handle, after a click
// where the browser asks for permission again.
import { expect, test, type Locator, type Page } from '@playwright/test';
import { addedAloneMessage } from '../src/state/full-size';
import { demo, expectModelLoaded, expectStatus, galleryFiles, importDemoModel } from './demo-app';
import { fakeFolderPicker, writeGalleryFolder } from './remembered-folder';

const FULL_WIDTH = 448; // the demo gallery's photos; their thumbnails are 320 wide
const query = demo.queries.find((q) => q.kind === 'twin' && q.context === 248)!.query;

async function openFirstResult(page: Page): Promise<Locator> {
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(query);
  await page.getByRole('list', { name: 'Results' }).getByRole('listitem').first().getByRole('button').click();
  const viewer = page.getByRole('dialog');
  await expect(viewer).toBeVisible();
  return viewer;
}

/** The width of the picture the viewer shows: FULL_WIDTH for the photo itself, less for its thumbnail. */
function shownWidth(viewer: Locator): Promise<number> {
  return viewer.getByRole('img').evaluate(async (img: HTMLImageElement) => {
    await img.decode();
    return img.naturalWidth;
  });
}

test.describe('on a phone', () => {
  test.use({ viewport: { width: 360, height: 740 } });

  test('the viewer fits with the sentence list open; after a reload a photo added with Add photos says how to see it full size', async ({ page }) => {
    await page.goto('/?provider=wasm');
    await importDemoModel(page);
    await page.getByLabel('Add photos').setInputFiles(galleryFiles);
    await expectStatus(page, `${galleryFiles.length} photos indexed (${galleryFiles.length} newly embedded)`);
    await page.getByRole('switch', { name: 'Sentence-aware' }).check();
    const viewer = await openFirstResult(page);
    const name = (await viewer.getByRole('heading').textContent())!;
    await expect(viewer).toHaveAccessibleName(name);
    await viewer.getByLabel('Sentence matches').click();
    await expect.poll(() => shownWidth(viewer)).toBe(FULL_WIDTH);

    const parts = {
      heading: viewer.getByRole('heading', { name }),
      photo: viewer.getByRole('img', { name }),
      score: viewer.getByText(/^Score -?\d\.\d{3}$/),
      sentences: viewer.getByLabel('Sentence matches'),
      previous: viewer.getByRole('button', { name: 'Previous' }),
      next: viewer.getByRole('button', { name: 'Next' }),
      more: viewer.getByRole('button', { name: 'More like this' }),
      positive: viewer.getByRole('button', { name: 'Use as positive example' }),
      negative: viewer.getByRole('button', { name: 'Use as negative example' }),
      close: viewer.getByRole('button', { name: 'Close' }),
    };
    for (const part of Object.values(parts)) await expect(part).toBeInViewport({ ratio: 1 });
    // Nothing overlaps: the photo is below its name, and no two buttons share a pixel.
    const box = async (l: Locator) => (await l.boundingBox())!;
    expect((await box(parts.heading)).y + (await box(parts.heading)).height).toBeLessThanOrEqual((await box(parts.photo)).y);
    const buttons = await Promise.all([parts.previous, parts.next, parts.more, parts.positive, parts.negative, parts.close].map(box));
    for (const [i, a] of buttons.entries()) {
      for (const b of buttons.slice(i + 1)) {
        const apart = a.x + a.width <= b.x || b.x + b.width <= a.x || a.y + a.height <= b.y || b.y + b.height <= a.y;
        expect(apart, `buttons ${JSON.stringify(a)} and ${JSON.stringify(b)} overlap`).toBe(true);
      }
    }
    // The sentence list scrolls in its own area (under its summary) rather than pushing the buttons away.
    const list = viewer.locator('details.sentence-matches');
    expect(await list.evaluate((el) => el.scrollHeight > el.clientHeight)).toBe(true);
    await list.evaluate((el) => el.scrollTo(0, el.scrollHeight));
    await expect(parts.sentences).toBeInViewport({ ratio: 1 });
    await expect(viewer.locator('.sentence-matches li').last()).toBeInViewport({ ratio: 1 });
    await viewer.getByRole('button', { name: 'Close' }).click();
    await expect(viewer).toHaveCount(0);

    // After a reload the file is gone with the tab: its thumbnail, and how to see it full size again.
    await page.reload();
    await expectModelLoaded(page);
    const again = await openFirstResult(page);
    const canRemember = await page.evaluate(() => 'showDirectoryPicker' in window);
    await expect(again.getByText(addedAloneMessage(canRemember))).toBeVisible();
    expect(await shownWidth(again)).toBeLessThan(FULL_WIDTH);
    await expect(again.getByRole('button', { name: 'Show full size' })).toHaveCount(0);
    for (const button of ['Previous', 'Next', 'More like this', 'Close'])
      await expect(again.getByRole('button', { name: button })).toBeInViewport({ ratio: 1 });
  });
});

test('a photo of a remembered folder shows full size after a reload, after a click where the browser asks for permission again', async ({ context }) => {
  await fakeFolderPicker(context);
  const page = await context.newPage();
  await page.goto('/?provider=wasm');
  await writeGalleryFolder(page);
  await importDemoModel(page);
  await page.getByRole('button', { name: 'Pick a folder to remember' }).click();
  await expectStatus(page, `${galleryFiles.length} photos indexed (${galleryFiles.length} newly embedded)`);

  // Granted: read through the handle without a click.
  await page.reload();
  await expectModelLoaded(page);
  let viewer = await openFirstResult(page);
  await expect.poll(() => shownWidth(viewer)).toBe(FULL_WIDTH);
  await expect(viewer.getByRole('button', { name: 'Show full size' })).toHaveCount(0);
  await viewer.getByRole('button', { name: 'Close' }).click();

  // The browser asks again: the thumbnail, and a button that asks for permission and shows the photo.
  await page.evaluate(() => localStorage.setItem('e2e-permission', 'prompt'));
  await page.reload();
  await expectModelLoaded(page);
  viewer = await openFirstResult(page);
  await expect(viewer.getByText('Full size needs permission to read the folder “Gallery” again.')).toBeVisible();
  expect(await shownWidth(viewer)).toBeLessThan(FULL_WIDTH);
  await viewer.getByRole('button', { name: 'Show full size' }).click();
  await expect.poll(() => shownWidth(viewer)).toBe(FULL_WIDTH);
  await expect(viewer.getByRole('button', { name: 'Show full size' })).toHaveCount(0);
  await expect(viewer.getByRole('button', { name: 'Close' })).toBeFocused();
  // The next photo of the folder needs no second click.
  await viewer.getByRole('button', { name: 'Next' }).click();
  await expect(viewer.getByText('2 of', { exact: false })).toBeVisible();
  await expect.poll(() => shownWidth(viewer)).toBe(FULL_WIDTH);
});

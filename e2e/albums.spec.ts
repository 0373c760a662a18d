// Albums on the demo gallery, on both providers: the eight background colours of zeroshot.json
// as categories with its one template, every photo in the album of its official label (where
// the official margin is not a near tie), the counts, browsing an album, the Album filter in
// search, the CSV export, and a re-sort after one category is removed and another renamed.
// WASM: the whole gallery; WebGPU (on the CPU here): one photo of each colour.
import { readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { CLEAR_LEAD } from '../src/engine/query/unsorted';
import { expectStatus, galleryDir, galleryFiles, importDemoModel, showAllPhotos } from './demo-app';
import { demoDir, readJson } from './shared-files';

interface ZeroShotSet {
  labels: string[];
  templates: string[];
  images: { file: string; label: string; margin: number; scores: number[] }[];
}
const set = (readJson(join(demoDir, 'zeroshot.json')) as { sets: Record<string, ZeroShotSet> }).sets.backgrounds!;
const CLEAR_MARGIN = 0.002;

/** The label with the highest official score among `labels`, and its lead over the next. */
function officialBest(im: ZeroShotSet['images'][number], labels: readonly string[]): { label: string; margin: number } {
  const scored = labels.map((l) => ({ label: l, score: im.scores[set.labels.indexOf(l)]! })).sort((a, b) => b.score - a.score);
  return { label: scored[0]!.label, margin: scored[0]!.score - scored[1]!.score };
}

/** The album list's items as "name count" texts. */
async function albumCounts(page: Page): Promise<Map<string, number>> {
  const texts = await page.getByRole('list', { name: 'Albums' }).getByRole('listitem').allTextContents();
  return new Map(texts.map((t) => t.trim().match(/^(.*) (\d+)$/)!).map((m) => [m[1]!, Number(m[2])]));
}

/** Each exported row's label and score, by file name. */
async function exportCsv(page: Page): Promise<Map<string, { label: string; score: number }>> {
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toBe('albums.csv');
  const text = readFileSync(await file.path(), 'utf8');
  const [header, ...rows] = text.split('\r\n');
  expect(header).toBe('path,label,score');
  expect(rows.pop()).toBe(''); // the last row ends with CRLF too
  return new Map(
    rows.map((row) => {
      const [path, label, score] = row.split(',');
      return [basename(path!), { label: label!, score: Number(score) }];
    }),
  );
}

for (const provider of ['wasm', 'webgpu'] as const) {
  test(`albums sort the gallery into the background colours as the official recipe does (${provider})`, async ({ page }) => {
    test.setTimeout(provider === 'webgpu' ? 240_000 : 180_000);
    // WebGPU on SwiftShader embeds a few photos a second at best: the first clear photo of each colour.
    const chosen =
      provider === 'webgpu'
        ? set.labels.map((l) => set.images.find((im) => im.label === l && im.margin >= CLEAR_MARGIN)!.file)
        : set.images.map((im) => im.file);
    const images = set.images.filter((im) => chosen.includes(im.file));
    await page.goto(`/?provider=${provider}`);
    await importDemoModel(page);
    const photos = provider === 'webgpu' ? chosen.map((f) => join(galleryDir, f)) : galleryFiles;
    await page.getByLabel('Add photos').setInputFiles(photos);
    await expectStatus(page, `${photos.length} photos indexed (${photos.length} newly embedded)`);

    await page.getByRole('button', { name: 'Albums' }).click();
    await expect(page.getByRole('heading', { name: 'Albums' })).toBeVisible();
    await page.getByText('Sentence templates').click();
    const templates = page.getByRole('textbox', { name: 'Templates' });
    await expect(templates).toHaveValue('a photo of a {}.');
    // A line without {} is said and not used.
    await templates.fill(`${set.templates[0]}\nA picture.`);
    await expect(page.getByText('Line 2, "A picture.", has no {} for the category name; it is not used.')).toBeVisible();
    await templates.fill(set.templates[0]!);
    await expect(page.getByText(/has no \{\}/)).toHaveCount(0);
    await page.getByRole('textbox', { name: 'Categories' }).fill(set.labels.join('\n'));

    // Unsorted (on by default): the photos whose official lead is under CLEAR_LEAD of their own score spread.
    const unclear = images.filter((im) => {
      const mean = im.scores.reduce((a, b) => a + b, 0) / im.scores.length;
      const spread = Math.sqrt(im.scores.reduce((a, b) => a + (b - mean) ** 2, 0) / im.scores.length);
      // No photo sits at the cut, where the app's scores (within 0.01 of the official ones) could decide it the other way.
      expect(Math.abs(im.margin / spread - CLEAR_LEAD), im.file).toBeGreaterThan(0.05);
      return im.margin / spread < CLEAR_LEAD;
    });
    const albums = page.getByRole('list', { name: 'Albums' }).getByRole('listitem');
    if (unclear.length) await expect(albums.filter({ hasText: 'Unsorted' })).toHaveText(`Unsorted ${unclear.length}`, { timeout: 60_000 });
    else await expect(albums).toHaveCount(set.labels.length, { timeout: 60_000 });
    await page.getByRole('switch', { name: 'Unsorted' }).uncheck();

    // Every photo sorted: one item per colour, counts adding up to the photos indexed.
    await expect(albums).toHaveCount(set.labels.length, { timeout: 60_000 });
    await expect.poll(async () => [...(await albumCounts(page)).values()].reduce((a, b) => a + b, 0), { timeout: 60_000 }).toBe(images.length);

    // Each photo's album is its official label (a near tie may go to the runner-up).
    const csv = await exportCsv(page);
    expect(csv.size).toBe(images.length);
    const expected = new Map(set.labels.map((l) => [l, 0]));
    for (const im of images) {
      const row = csv.get(im.file)!;
      expect(row, im.file).toBeDefined();
      const official = officialBest(im, set.labels);
      if (official.margin >= CLEAR_MARGIN) expect(row.label, im.file).toBe(im.label);
      // A near tie: its official label or the runner-up.
      else
        expect(
          [
            im.label,
            officialBest(
              im,
              set.labels.filter((l) => l !== im.label),
            ).label,
          ],
          im.file,
        ).toContain(row.label);
      expect(Math.abs(row.score - im.scores[set.labels.indexOf(row.label)]!), im.file).toBeLessThanOrEqual(0.01);
      expected.set(row.label, expected.get(row.label)! + 1);
    }
    // The counts shown are the official labels' counts.
    const officialCounts = new Map(set.labels.map((l) => [l, images.filter((im) => im.label === l).length]));
    const nearTies = images.filter((im) => im.margin < CLEAR_MARGIN).length;
    const counts = await albumCounts(page);
    expect(counts).toEqual(expected);
    for (const l of set.labels) expect(Math.abs(counts.get(l)! - officialCounts.get(l)!), l).toBeLessThanOrEqual(nearTies);

    // Browsing an album: its photos, best score first, and the viewer opens on them.
    const biggest = [...counts].sort((a, b) => b[1] - a[1])[0]![0];
    const ranked = [...csv].filter(([, r]) => r.label === biggest).sort((a, b) => b[1].score - a[1].score);
    await albums.filter({ hasText: biggest }).getByRole('button').click();
    const grid = page.getByRole('list', { name: 'Album photos' });
    await expect(grid.getByRole('listitem')).toHaveCount(ranked.length);
    await expect(grid.getByRole('listitem').first()).toContainText(ranked[0]![0]);
    await grid.getByRole('listitem').first().getByRole('button').click();
    const viewer = page.getByRole('dialog');
    await expect(viewer.getByRole('heading', { name: ranked[0]![0] })).toBeVisible();
    await viewer.getByRole('button', { name: 'Close' }).click();
    await expect(viewer).toHaveCount(0);

    // The Album filter restricts a search to that album's photos.
    await page.getByRole('button', { name: 'Back to results' }).click();
    await page.getByRole('textbox', { name: 'Describe the photo' }).fill('a picture');
    await showAllPhotos(page);
    await page.getByRole('group', { name: 'Sort and filter' }).getByLabel('Album').selectOption(biggest);
    const results = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
    await expect(results).toHaveCount(ranked.length);
    const names = await results.allTextContents();
    for (const [file] of ranked)
      expect(
        names.some((n) => n.includes(file)),
        file,
      ).toBe(true);

    // Removing one category sorts again: its photos go to their best remaining colour.
    await page.getByRole('textbox', { name: 'Describe the photo' }).fill('');
    await page.getByRole('button', { name: 'Albums' }).click();
    const removed = biggest;
    const left = set.labels.filter((l) => l !== removed);
    await page.getByRole('textbox', { name: 'Categories' }).fill(left.join('\n'));
    await expect(albums).toHaveCount(left.length, { timeout: 60_000 });
    const after = await exportCsv(page);
    for (const im of images) {
      const official = officialBest(im, left);
      if (official.margin >= CLEAR_MARGIN) expect(after.get(im.file)!.label, im.file).toBe(official.label);
    }
    const countsAfter = await albumCounts(page);
    expect([...countsAfter.keys()]).toEqual(left);
    for (const l of left) expect(countsAfter.get(l), l).toBe([...after.values()].filter((r) => r.label === l).length);

    // Renaming one category sorts again under the new name.
    const renamed = left.map((l, i) => (i === 0 ? `${l} colour` : l));
    await page.getByRole('textbox', { name: 'Categories' }).fill(renamed.join('\n'));
    await expect.poll(async () => [...(await albumCounts(page)).keys()]).toEqual(renamed);
    expect([...(await albumCounts(page)).values()].reduce((a, b) => a + b, 0)).toBe(images.length);
  });
}

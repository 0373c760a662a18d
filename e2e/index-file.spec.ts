// Index files: the gallery indexed in one profile, exported, and imported into a fresh profile
// ranks the same without embedding anything; the CLI continues the app's export (`--in`) and the
// app imports its file; an index of another model is refused, naming both models.
import { execFile } from 'node:child_process';
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { promisify } from 'node:util';
import { expect, test, type Page } from '@playwright/test';
import { decisiveQueries, expectStatus, expectTopResult, galleryDir, galleryFiles, importDemoModel, openSetup, showAllPhotos } from './demo-app';
import { addedFolderMessage } from '../src/state/full-size';
import { demoDir, goldensDir } from './shared-files';

const exec = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');
const queries = decisiveQueries(248).slice(0, 2);

/** The first results of a query: "name score" in rank order (after its known top result shows). */
async function ranking(page: Page, q: (typeof queries)[number]): Promise<string[]> {
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(q.query);
  await expectTopResult(page, q.target, q.cosine[0]!);
  await showAllPhotos(page);
  const items = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
  const shown = await items.evaluateAll((els) =>
    els.map((el) => ({
      at: Number(el.getAttribute('aria-posinset')),
      text: `${el.querySelector('.card-name')?.textContent} ${el.querySelector('.card-cosine')?.textContent}`,
    })),
  );
  return shown
    .sort((a, b) => a.at - b.at)
    .slice(0, 8)
    .map((s) => s.text);
}

const statusLine = (page: Page) => page.getByRole('status', { name: 'Index file status' });

test('an exported index ranks the same in a fresh profile; the CLI continues it; another model is refused', async ({ page, browser }) => {
  test.setTimeout(420_000);
  const work = mkdtempSync(join(tmpdir(), 'longclip-e2e-index-'));
  const bundle = join(work, 'bundle');
  // The CLI's bundle is converted while the browser indexes (the same weights, float16 as in the app).
  const converted = exec(tsx, [
    'src/cli/convert.ts',
    join(demoDir, 'demo-longclip.pt'),
    '--vocab',
    join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'),
    '--out',
    bundle,
    '--dtype',
    'fp16',
  ]);

  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  await page.getByLabel('Add folder').setInputFiles(galleryDir);
  await expectStatus(page, `${galleryFiles.length} photos indexed (${galleryFiles.length} newly embedded)`);
  const before = [];
  for (const q of queries) before.push(await ranking(page, q));
  for (const r of before) expect(r).toEqual(expect.arrayContaining([expect.stringMatching(/^scene_\d{3}\.png -?\d\.\d{3}$/)]));
  expect(before.every((r) => r.length === 8)).toBe(true);
  await openSetup(page);
  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export index' }).click()]);
  expect(download.suggestedFilename()).toMatch(/^longclip-index-demo-longclip-\d{4}-\d{2}-\d{2}\.lcindex$/);
  const exported = join(work, 'app.lcindex');
  await download.saveAs(exported);
  await expect(statusLine(page)).toHaveText('Exported 40 photos and 40 files for demo-longclip.');

  // The CLI continues the app's export with a folder of its own (while the fresh profile starts).
  const more = join(work, 'More photos');
  mkdirSync(more);
  copyFileSync(galleryFiles[0]!, join(more, 'scene_000.png'));
  for (const name of ['photo_800x600.jpg', 'portrait_300x500.png']) copyFileSync(join(goldensDir, 'images', name), join(more, name));
  const cliOut = join(work, 'cli.lcindex');
  const continued = converted.then(() => exec(tsx, ['src/cli/index.ts', more, '--model', bundle, '--in', exported, '--out', cliOut]));
  void continued.catch(() => undefined); // awaited below; a failure before that must not go unhandled

  // A fresh profile: the model, then the index file; nothing is embedded.
  const context = await browser.newContext();
  const fresh = await context.newPage();
  await fresh.goto('/?provider=wasm');
  await importDemoModel(fresh);
  // As a user clicking Import index would, the panel is kept open while the library arrives.
  await openSetup(fresh);
  await fresh.getByLabel('Import index').setInputFiles(exported);
  await expect(statusLine(fresh)).toHaveText('Imported app.lcindex: 40 photos added, 0 already in the library, 40 files added.');
  await expect(fresh.getByText('40 files in the library, 40 photos indexed for this model.')).toBeVisible();
  await expect(fresh.getByRole('status').filter({ hasText: 'newly embedded' })).toHaveCount(0);
  for (const [i, q] of queries.entries()) expect(await ranking(fresh, q)).toEqual(before[i]);
  // An imported photo has no file in this session: the viewer shows its thumbnail and how to see it full size.
  await fresh.getByRole('list', { name: 'Results' }).getByRole('listitem').first().getByRole('button').click();
  const viewer = fresh.getByRole('dialog');
  await expect(viewer.getByRole('img', { name: queries[1]!.target })).toBeVisible();
  const canRemember = await fresh.evaluate(() => 'showDirectoryPicker' in window);
  await expect(viewer.getByText(addedFolderMessage(basename(galleryDir), canRemember))).toBeVisible();
  await viewer.getByRole('button', { name: 'Close' }).click();

  // The same file with another model's identity in its header is refused.
  const bytes = readFileSync(exported);
  const length = bytes.readUInt32LE(12);
  const header = bytes.subarray(16, 16 + length).toString('utf8');
  const sha = (JSON.parse(header) as { model: { sourceSha256: string } }).model.sourceSha256;
  bytes.write(header.replaceAll(sha, '0'.repeat(64)), 16, 'utf8');
  await fresh.getByLabel('Import index').setInputFiles({ name: 'other.lcindex', mimeType: 'application/octet-stream', buffer: bytes });
  await expect(fresh.getByRole('alert')).toContainText(
    new RegExp(
      `This index was made with demo-longclip \\(0{12}…, float16, converter 1\\); the loaded model is demo-longclip \\(${sha.slice(0, 12)}…, float16, converter 1\\)\\. Load that model to import it\\.`,
    ),
  );
  await fresh.getByRole('button', { name: 'Dismiss index file error' }).click();

  // The app imports what the CLI wrote.
  const { stderr } = await continued;
  expect(stderr).toMatch(/42 photos, 43 files \(2 embedded, 40 reused\)/);
  await fresh.getByLabel('Import index').setInputFiles(cliOut);
  await expect(statusLine(fresh)).toHaveText('Imported cli.lcindex: 2 photos added, 40 already in the library, 3 files added.');
  await expect(fresh.getByText('43 files in the library, 42 photos indexed for this model.')).toBeVisible();
  // The CLI's photos are ranked with the others.
  await expect(fresh.getByRole('list', { name: 'Results' }).getByRole('listitem').first()).toHaveAttribute('aria-setsize', '43');
  await context.close();
});

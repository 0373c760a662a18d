// Importing a bundle written by `npm run convert`, and photos dropped on the drop zone
// (a synthetic drop: a folder dropped from the desktop cannot be driven headless; the folder
// walk under it is unit-tested with injected entries in src/library/intake.test.ts).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { expectStatus, galleryFiles } from './demo-app';
import { demoDir, goldensDir } from './shared-files';

test('a bundle from the CLI imports, and dropped photos are indexed with bad files listed as skipped', async ({ page }) => {
  const bundle = join(mkdtempSync(join(tmpdir(), 'longclip-e2e-')), 'bundle');
  execFileSync(
    join(process.cwd(), 'node_modules/.bin/tsx'),
    ['src/cli/convert.ts', join(demoDir, 'demo-longclip.pt'), '--vocab', join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'), '--out', bundle, '--dtype', 'fp16'],
    { stdio: 'pipe' },
  );

  await page.goto('/?provider=wasm');
  await page.getByLabel('Import model').setInputFiles(readdirSync(bundle).map((f) => join(bundle, f)));
  const active = page.getByRole('group', { name: 'Active model', includeHidden: true });
  await expect(active).toBeAttached({ timeout: 120_000 });
  await expect(active).toContainText('float16');

  const dropped = [
    ...galleryFiles.slice(0, 3).map((f) => ({ name: f.split('/').pop()!, type: 'image/png', bytes: [...readFileSync(f)] })),
    { name: 'notes.jpg', type: 'image/jpeg', bytes: [...Buffer.from('not really a photo')] },
  ];
  const dataTransfer = await page.evaluateHandle((files) => {
    const dt = new DataTransfer();
    for (const f of files) dt.items.add(new File([new Uint8Array(f.bytes)], f.name, { type: f.type }));
    return dt;
  }, dropped);
  await page.getByText('Drop photos, videos or folders here').dispatchEvent('drop', { dataTransfer });
  await expectStatus(page, '3 photos indexed (3 newly embedded)');
  await expect(page.getByText('1 skipped file')).toBeVisible();
  await page.getByText('1 skipped file').click();
  await expect(page.getByText('notes.jpg')).toBeVisible();
});

test('Import model takes the checkpoint and its merges file one after the other', async ({ page }) => {
  await page.goto('/?provider=wasm');
  const input = page.getByLabel('Import model');
  await input.setInputFiles(join(demoDir, 'demo-longclip.pt'));
  const status = page.getByRole('status', { name: 'Import status' });
  await expect(status).toHaveText('Got demo-longclip.pt: now choose its merges file (bpe_simple_vocab_16e6.txt.gz). Clear the import');
  await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toHaveCount(0);
  await input.setInputFiles(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'));
  await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toBeAttached({ timeout: 180_000 });
  await expect(status).toHaveText('');
});

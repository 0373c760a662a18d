// The built-in download path against a local server that serves the demo checkpoint and the
// merges file (the catalog is replaced with ?catalog=): progress, conversion, storage, and
// rejection of a file whose size or SHA-256 is not the published one.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { decisiveQueries, expectStatus, expectTopResult, galleryFiles } from './demo-app';
import { demoDir, goldensDir } from './shared-files';

const checkpoint = join(demoDir, 'demo-longclip.pt');
const merges = join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz');
let server: Server;
let base: string;

test.beforeAll(async () => {
  const sha = createHash('sha256').update(readFileSync(checkpoint)).digest('hex');
  server = createServer((req, res) => {
    const cors = { 'Access-Control-Allow-Origin': '*', 'Access-Control-Expose-Headers': 'Content-Length, ETag', 'Cross-Origin-Resource-Policy': 'cross-origin' };
    const url = new URL(req.url ?? '/', base);
    if (url.pathname === '/catalog.json') {
      const entry = (id: string, name: string, extra: object) => ({
        id, name, description: 'The demo model, served locally.',
        checkpointUrl: `${base}/files/demo-longclip.pt`, checkpointSize: statSync(checkpoint).size, sizeTolerance: 0, checkpointSha256: null,
        mergesUrl: `${base}/files/bpe_simple_vocab_16e6.txt.gz`, mergesSize: statSync(merges).size, ...extra,
      });
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
      res.end(JSON.stringify([
        entry('demo', 'Demo model', {}),
        entry('wrong-size', 'Wrong size', { checkpointSize: statSync(checkpoint).size + 4096 }),
        entry('wrong-hash', 'Wrong hash', { checkpointUrl: `${base}/bad-etag/demo-longclip.pt` }),
      ]));
      return;
    }
    const file = url.pathname.endsWith('.pt') ? checkpoint : url.pathname.endsWith('.gz') ? merges : null;
    if (!file) {
      res.writeHead(404, cors).end();
      return;
    }
    const body = readFileSync(file);
    // An LFS-style ETag carries the SHA-256; the bad-etag route announces a wrong one.
    const etag = file === checkpoint ? `"${url.pathname.startsWith('/bad-etag') ? '0'.repeat(64) : sha}"` : '"merges"';
    res.writeHead(200, { ...cors, 'Content-Type': 'application/octet-stream', 'Content-Length': body.length, ETag: etag });
    // Sent in slices, so the progress bar has something to show.
    let at = 0;
    const next = () => {
      if (at >= body.length) return void res.end();
      res.write(body.subarray(at, (at += 2 * 1024 * 1024)));
      setTimeout(next, 15);
    };
    next();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(() => new Promise<void>((done) => server.close(() => done())));

test('a built-in model downloads with progress, converts, and searches; bad files are rejected', async ({ page }) => {
  await page.goto(`/?provider=wasm&catalog=${encodeURIComponent(`${base}/catalog.json`)}`);
  const alert = page.getByRole('alert');

  await page.getByRole('button', { name: 'Download Wrong size' }).click();
  await expect(alert).toContainText(/published size/);
  await alert.getByRole('button', { name: 'Dismiss' }).click();

  await page.getByRole('button', { name: 'Download Wrong hash' }).click();
  await expect(alert).toContainText(/SHA-256/);
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('group', { name: 'Active model' })).toHaveCount(0);

  await page.getByRole('button', { name: 'Download Demo model' }).click();
  await expect(page.getByRole('progressbar', { name: 'Downloading' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Active model' })).toBeVisible({ timeout: 180_000 });

  await page.getByLabel('Add photos').setInputFiles(galleryFiles.slice(0, 12));
  await expectStatus(page, '12 photos indexed (12 newly embedded)');
  const q = decisiveQueries(248).find((d) => galleryFiles.slice(0, 12).some((f) => f.endsWith(d.ranking[0]!)) && d.ranking.slice(0, 2).every((r) => galleryFiles.slice(0, 12).some((f) => f.endsWith(r))))!;
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(q.query);
  await expectTopResult(page, q.ranking[0]!, q.cosine[0]!);

  // The second visit starts from storage: no download.
  await page.reload();
  await expect(page.getByRole('group', { name: 'Active model' })).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole('progressbar', { name: 'Downloading' })).toHaveCount(0);
});

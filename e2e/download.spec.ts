// The built-in download path against a local server that serves the demo checkpoint and the
// merges file (the catalog is replaced with ?catalog=): progress, conversion, storage, and
// rejection of a file whose size or SHA-256 is not the published one. The server can also drop
// the connection after some bytes, ignore Range, or stall (the tab is then closed), so that the
// resume and restart paths of src/worker/download.ts run against a real HTTP stack.
import { createHash } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { decisiveQueries, expectStatus, expectTopResult, galleryFiles } from './demo-app';
import { demoDir, goldensDir } from './shared-files';

const checkpoint = join(demoDir, 'demo-longclip.pt');
const merges = join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz');
const MB = 1024 * 1024;
/** Where the flaky routes drop or stall: past the first kept part (16 MiB). */
const CUT = 20 * MB;
let server: Server;
let base: string;
let sha = '';

/** How a route answers its n-th request (counted per route): `cut` bytes of the body, then drop or stall. */
interface Behaviour {
  cut?: number;
  after?: 'drop' | 'stall';
  ranges: boolean;
}
const routes: Record<string, (n: number) => Behaviour> = {
  files: () => ({ ranges: true }),
  'bad-etag': () => ({ ranges: true }),
  // Drops at 20 MB, then drops again before any byte, then serves the rest with Range.
  flaky: (n) => (n === 0 ? { cut: CUT, after: 'drop', ranges: true } : n === 1 ? { cut: 0, after: 'drop', ranges: true } : { ranges: true }),
  // Drops at 20 MB, and never honours Range.
  norange: (n) => (n === 0 ? { cut: CUT, after: 'drop', ranges: false } : { ranges: false }),
  // Stalls at 20 MB (the test closes the tab), then honours Range.
  stall: (n) => (n === 0 ? { cut: CUT, after: 'stall', ranges: true } : { ranges: true }),
  // Always stalls at 20 MB: a download that never ends by itself.
  hang: () => ({ cut: CUT, after: 'stall', ranges: true }),
};
/** What each route was asked and answered: Range header, status, body bytes written. */
const log: Record<string, { range: string | null; status: number; sent: number }[]> = {};
let preflights = 0;

test.beforeAll(async () => {
  const body = { [checkpoint]: readFileSync(checkpoint), [merges]: readFileSync(merges) };
  sha = createHash('sha256').update(body[checkpoint]!).digest('hex');
  server = createServer((req, res) => {
    const cors = {
      'Access-Control-Allow-Origin': '*',
      'Access-Control-Expose-Headers': 'Content-Length, Content-Range, Accept-Ranges, ETag',
      'Cross-Origin-Resource-Policy': 'cross-origin',
    };
    const url = new URL(req.url ?? '/', base);
    if (req.method === 'OPTIONS') {
      preflights++;
      res.writeHead(204, { ...cors, 'Access-Control-Allow-Headers': 'Range', 'Access-Control-Allow-Methods': 'GET' }).end();
      return;
    }
    if (url.pathname === '/catalog.json') {
      const entry = (id: string, name: string, extra: object) => ({
        id,
        name,
        description: 'The demo model, served locally.',
        checkpointUrl: `${base}/files/demo-longclip.pt`,
        checkpointSize: statSync(checkpoint).size,
        sizeTolerance: 0,
        checkpointSha256: null,
        mergesUrl: `${base}/files/bpe_simple_vocab_16e6.txt.gz`,
        mergesSize: statSync(merges).size,
        ...extra,
      });
      res.writeHead(200, { ...cors, 'Content-Type': 'application/json' });
      res.end(
        JSON.stringify([
          entry('demo', 'Demo model', {}),
          entry('wrong-size', 'Wrong size', { checkpointSize: statSync(checkpoint).size + 4096 }),
          entry('wrong-hash', 'Wrong hash', { checkpointUrl: `${base}/bad-etag/demo-longclip.pt` }),
          entry('flaky', 'Flaky', { checkpointUrl: `${base}/flaky/demo-longclip.pt` }),
          entry('norange', 'No range', { checkpointUrl: `${base}/norange/demo-longclip.pt` }),
          entry('stall', 'Stalls', { checkpointUrl: `${base}/stall/demo-longclip.pt` }),
          entry('hang', 'Hangs', { checkpointUrl: `${base}/hang/demo-longclip.pt` }),
          // Port 9 on this host: nothing listens, the connection is refused (as offline, or behind a firewall).
          entry('unreachable', 'Unreachable', {
            mergesUrl: 'http://127.0.0.1:9/bpe_simple_vocab_16e6.txt.gz',
            checkpointUrl: 'http://127.0.0.1:9/demo-longclip.pt',
          }),
        ]),
      );
      return;
    }
    const route = url.pathname.split('/')[1]!;
    const file = url.pathname.endsWith('.pt') ? checkpoint : url.pathname.endsWith('.gz') ? merges : null;
    if (!file || !routes[route]) {
      res.writeHead(404, cors).end();
      return;
    }
    const content = body[file]!;
    const calls = (log[`${route}${file === merges ? ':merges' : ''}`] ??= []);
    const how = routes[route](file === merges ? 99 : calls.length);
    const range = req.headers.range ?? null;
    const entry = { range, status: 200, sent: 0 };
    calls.push(entry);
    // An LFS-style ETag carries the SHA-256; the bad-etag route announces a wrong one.
    const etag = file === checkpoint ? `"${route === 'bad-etag' ? '0'.repeat(64) : sha}"` : '"merges"';
    const headers: Record<string, string | number> = { ...cors, 'Content-Type': 'application/octet-stream', ETag: etag };
    if (how.ranges) headers['Accept-Ranges'] = 'bytes';
    let start = 0;
    const asked = range?.match(/^bytes=(\d+)-$/);
    if (asked && how.ranges) {
      start = Number(asked[1]);
      if (start >= content.length) {
        res.writeHead((entry.status = 416), { ...cors, 'Content-Range': `bytes */${content.length}` }).end();
        return;
      }
      entry.status = 206;
      headers['Content-Range'] = `bytes ${start}-${content.length - 1}/${content.length}`;
    }
    const rest = content.subarray(start);
    res.writeHead(entry.status, { ...headers, 'Content-Length': rest.length });
    res.flushHeaders();
    // Sent in slices, so the progress bar has something to show.
    const limit = how.cut ?? rest.length;
    let at = 0;
    let closed = false;
    res.on('close', () => (closed = true));
    const next = () => {
      if (closed) return;
      if (at >= limit) {
        if (how.after === 'drop')
          res.socket?.end(); // a connection that ends before Content-Length
        else if (how.after !== 'stall') res.end();
        return;
      }
      const slice = rest.subarray(at, Math.min(limit, at + 2 * MB));
      at += slice.length;
      entry.sent = at;
      res.write(slice, () => setTimeout(next, 15));
    };
    next();
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

test.afterAll(() => new Promise<void>((done) => server.close(() => done())));

test('a built-in model downloads with progress, converts, and searches; bad files are rejected', async ({ page }) => {
  await page.goto(catalogPage());
  const alert = page.getByRole('alert');

  await page.getByRole('button', { name: 'Download Wrong size' }).click();
  await expect(alert).toContainText(/published size/);
  await alert.getByRole('button', { name: 'Dismiss' }).click();

  await page.getByRole('button', { name: 'Download Wrong hash' }).click();
  await expect(alert).toContainText(/SHA-256/);
  await alert.getByRole('button', { name: 'Dismiss' }).click();

  // A server that cannot be reached fails within seconds (one quick retry), in one sentence that
  // names the model and points at Import.
  const asked = Date.now();
  await page.getByRole('button', { name: 'Download Unreachable' }).click();
  await expect(alert.getByRole('paragraph')).toHaveText(
    'Model: Unreachable could not be downloaded: its server cannot be reached (are you offline?). Use Import model with its files instead, or try again later.',
    { timeout: 15_000 },
  );
  expect(Date.now() - asked).toBeLessThan(15_000);
  await alert.getByRole('button', { name: 'Dismiss' }).click();
  await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toHaveCount(0);
  // A refused file is not kept for a later resume either.
  expect(await keptDownloads(page)).toEqual([]);

  await page.getByRole('button', { name: 'Download Demo model' }).click();
  await expect(page.getByRole('progressbar', { name: 'Downloading' })).toBeVisible();
  await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toBeAttached({ timeout: 180_000 });

  await page.getByLabel('Add photos').setInputFiles(galleryFiles.slice(0, 12));
  await expectStatus(page, '12 photos indexed (12 newly embedded)');
  const q = decisiveQueries(248).find(
    (d) =>
      galleryFiles.slice(0, 12).some((f) => f.endsWith(d.ranking[0]!)) &&
      d.ranking.slice(0, 2).every((r) => galleryFiles.slice(0, 12).some((f) => f.endsWith(r))),
  )!;
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(q.query);
  await expectTopResult(page, q.ranking[0]!, q.cosine[0]!);

  // The second visit starts from storage: no download.
  await page.reload();
  await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toBeAttached({ timeout: 120_000 });
  await expect(page.getByRole('progressbar', { name: 'Downloading' })).toHaveCount(0);
});

const catalogPage = () => `/?provider=wasm&catalog=${encodeURIComponent(`${base}/catalog.json`)}`;

/** URLs of the unfinished-download entries the worker keeps in the Cache API. */
function keptDownloads(page: Page): Promise<string[]> {
  return page.evaluate(async () => (await (await caches.open('longclip-downloads-v1')).keys()).map((r) => r.url));
}

/** The model that was stored and loaded: its key starts with the SHA-256 the converter computed from the bytes it got. */
async function expectConvertedFromTheRightBytes(page: Page): Promise<void> {
  await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toBeAttached({ timeout: 180_000 });
  expect(await page.evaluate(() => localStorage.getItem('longclip-search:last-model'))).toMatch(new RegExp(`^${sha}:`));
  expect(await keptDownloads(page)).toEqual([]);
}

test('a dropped connection is retried by itself, resumes with Range where it stopped, and the file is whole', async ({ page }) => {
  await page.goto(catalogPage());
  await page.getByRole('button', { name: 'Download Flaky' }).click();
  // The drop is said, with what happens next. (The page resumes from the bytes it had read when
  // the connection ended: at least the first kept part, at most the 20 MB sent.)
  await expect(
    page.getByText(/Downloading Flaky: connection lost at \d+ MB of 53 MB \(the connection dropped: .*\); retrying in 1 s \(retry 1 of 5\)/),
  ).toBeVisible();
  await expect(page.getByText(/Downloading Flaky: connection lost at \d+ MB of 53 MB .*retrying in 2 s \(retry 2 of 5\)/)).toBeVisible();
  await expectConvertedFromTheRightBytes(page);
  const [first, second, third] = log.flaky!;
  expect(log.flaky).toHaveLength(3);
  expect([first!.range, first!.status, first!.sent]).toEqual([null, 200, CUT]);
  const from = Number(second!.range?.match(/^bytes=(\d+)-$/)?.[1]);
  expect(from).toBeGreaterThanOrEqual(16 * MB);
  expect(from).toBeLessThanOrEqual(CUT);
  expect([second!.status, second!.sent, third!.range, third!.status]).toEqual([206, 0, `bytes=${from}-`, 206]);
  // The retry fetched only the rest of the file.
  expect(third!.sent).toBe(statSync(checkpoint).size - from);
  expect(preflights, 'Range: bytes=N- is CORS-safelisted: no preflight').toBe(0);
});

test('a server that ignores Range: the download starts again cleanly and completes', async ({ page }) => {
  await page.goto(catalogPage());
  await page.getByRole('button', { name: 'Download No range' }).click();
  await expect(page.getByText(/Downloading No range: the server cannot resume downloads; starting again/)).toBeVisible();
  await expectConvertedFromTheRightBytes(page);
  expect(log.norange!.map((r) => [r.range?.replace(/\d+/, 'N') ?? null, r.status, r.sent])).toEqual([
    [null, 200, CUT],
    ['bytes=N-', 200, statSync(checkpoint).size],
  ]);
});

test('a tab closed mid-download: the next visit continues from the kept part; nothing half-downloaded is converted', async ({ page, context }) => {
  await page.goto(catalogPage());
  await page.getByRole('button', { name: 'Download Stalls' }).click();
  await expect.poll(() => log.stall?.[0]?.sent ?? 0, { timeout: 60_000 }).toBe(CUT);
  // The first 16 MiB part and its meta are kept in the Cache API before the tab goes.
  await expect.poll(async () => (await keptDownloads(page)).filter((u) => u.endsWith('/meta')).length, { timeout: 30_000 }).toBe(1);
  await page.close();

  const next = await context.newPage();
  await next.goto(catalogPage());
  // Nothing was stored as a model from the half file, and nothing blocks a new download.
  await expect(next.getByRole('button', { name: 'Download Stalls' })).toBeEnabled();
  await expect(next.getByRole('group', { name: 'Active model', includeHidden: true })).toHaveCount(0);
  await expect(next.getByText('Partly downloaded: 16 MB of 53 MB kept; Download continues from there.')).toBeVisible();
  await next.getByRole('button', { name: 'Download Stalls' }).click();
  await expectConvertedFromTheRightBytes(next);
  await expect(next.getByText(/Partly downloaded/)).toHaveCount(0);
  expect(log.stall!.map((r) => [r.range, r.status])).toEqual([
    [null, 200],
    [`bytes=${16 * MB}-`, 206],
  ]);
});

test('Import model stays usable during a download: importing cancels the download and loads the imported model', async ({ page }) => {
  await page.goto(catalogPage());
  await page.getByRole('button', { name: 'Download Hangs' }).click();
  await expect.poll(() => log.hang?.[0]?.sent ?? 0, { timeout: 60_000 }).toBe(CUT);
  await expect(page.getByRole('progressbar', { name: 'Downloading' })).toBeVisible();
  const input = page.getByLabel('Import model');
  await expect(input).toBeEnabled();
  await input.setInputFiles([checkpoint, merges]);
  await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toContainText('demo-longclip', { timeout: 180_000 });
  await expect(page.getByRole('progressbar', { name: 'Downloading' })).toHaveCount(0);
  await expect(page.getByRole('alert')).toHaveCount(0);
});

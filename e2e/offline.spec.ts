// Offline use: after a first visit to a production build, the app starts with no server at all.
// The service worker serves the app shell and onnxruntime-web's .wasm from its cache, the model
// comes back from browser storage, and a search over the kept index still ranks correctly.
//
// The dev server (the config's webServer) has no service worker, so this spec builds the app
// into a temp dir and runs its own `vite preview`, which it stops before going offline: a
// service worker's requests ignore `context.setOffline`, so only a dead server proves the
// cache is used.
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import { decisiveQueries, expectStatus, expectTopResult, galleryFiles, importDemoModel, openSetup } from './demo-app';

const viteBin = join(process.cwd(), 'node_modules', 'vite', 'bin', 'vite.js');

let outDir = '';
let port = 0;
let server: ChildProcess | null = null;

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const address = srv.address();
      const p = typeof address === 'object' && address ? address.port : 0;
      srv.close(() => resolve(p));
    });
  });
}

async function waitForServer(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`vite preview exited early (code ${child.exitCode})`);
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error(`vite preview did not answer at ${url} within ${timeoutMs} ms`);
}

/** Stops the preview server and waits until its process has exited. */
async function stopServer(): Promise<void> {
  const child = server;
  server = null;
  if (!child || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}

test.describe('offline', () => {
  test.describe.configure({ mode: 'serial' });

  test.beforeAll(async () => {
    test.setTimeout(240_000);
    outDir = mkdtempSync(join(tmpdir(), 'longclip-offline-'));
    execFileSync(process.execPath, [viteBin, 'build', '--outDir', outDir, '--emptyOutDir', '--logLevel', 'warn'], {
      stdio: 'inherit',
      timeout: 180_000,
    });
    port = await freePort();
    server = spawn(process.execPath, [viteBin, 'preview', '--outDir', outDir, '--host', '127.0.0.1', '--port', String(port), '--strictPort'], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    await waitForServer(`http://127.0.0.1:${port}/`, server, 60_000);
  });

  test.afterAll(async () => {
    await stopServer();
    if (outDir) rmSync(outDir, { recursive: true, force: true });
  });

  test('after a first visit the app, the model and the index work with no server and no network', async ({ page, context }) => {
    const origin = `http://127.0.0.1:${port}`;
    const query = decisiveQueries(248)[0];
    expect(query, 'a decisive demo query at context 248').toBeDefined();

    await page.goto(`${origin}/?provider=wasm`);
    // The worker installs (precaching the shell and the .wasm) and activates; after a reload it
    // controls the page for certain.
    await page.evaluate(async () => {
      await navigator.serviceWorker.ready;
    });
    await page.reload();
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null), 'the service worker controls the page').toBe(true);
    expect(await page.evaluate(() => crossOriginIsolated), 'the page is cross-origin isolated').toBe(true);

    await importDemoModel(page);
    await page.getByLabel('Add photos').setInputFiles(galleryFiles);
    await expectStatus(page, `${galleryFiles.length} photos indexed (${galleryFiles.length} newly embedded)`);

    // No server, no network.
    await stopServer();
    await context.setOffline(true);
    await page.reload();
    // Chromium 150's offline emulation does not reach a document that a service worker served on
    // reload (navigator.onLine stays true there, as it would not on a real offline machine):
    // applying it again gives the page its 'offline' event.
    await context.setOffline(false);
    await context.setOffline(true);

    // The app shell came from the cache, still cross-origin isolated (threaded WASM needs it).
    expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
    expect(await page.evaluate(() => crossOriginIsolated)).toBe(true);
    await expect(page.getByRole('group', { name: 'Active model', includeHidden: true })).toBeAttached({ timeout: 120_000 });
    await openSetup(page);
    await expect(page.getByText('You are offline, so models cannot be downloaded.')).toBeVisible();
    await expect(page.getByRole('button', { name: /^Download / }).first()).toBeDisabled();
    // The index is kept: the library lists every photo.
    await expect(page.getByText(`${galleryFiles.length} photos`, { exact: true })).toBeVisible();

    await page.getByRole('textbox', { name: 'Describe the photo' }).fill(query!.query);
    await expectTopResult(page, query!.ranking[0]!, query!.cosine[0]!);
  });
});

// The index survives what happens to tabs and storage: a tab closed in the middle of indexing
// resumes on return (nothing lost, nothing twice), a full disk stops indexing cleanly, two tabs
// index at once and one tab's upgrade tells the other to reload, and each model keeps its own
// embeddings. `?e2e&indexDelay=ms` slows each encoder batch so a page can be stopped mid-run.
import { expect, test, type Page } from '@playwright/test';
import { demo, expectStatus, expectTopResult, galleryFiles, importDemoModel, openSetup } from './demo-app';
import { fakeFolderPicker, writeGalleryFolder } from './remembered-folder';

const TOTAL = galleryFiles.length;
/** A query whose official top-1 beats the second clearly (see decisiveQueries). */
const query = demo.queries.find((q) => q.context === 248 && q.cosine[0]! - q.cosine[1]! > 0.01)!;

interface Counts {
  version: number;
  photos: number;
  files: number;
  thumbnails: number;
  /** Embeddings per model key. */
  embeddings: Record<string, number>;
  queue: number;
  jobs: number;
}

/** What the library database holds, read from the page (a connection of its own, closed at once). */
function libraryCounts(page: Page): Promise<Counts> {
  return page.evaluate(
    () =>
      new Promise<Counts>((resolve, reject) => {
        const open = indexedDB.open('longclip-search');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const names = ['photos', 'files', 'thumbnails', 'queue', 'jobs'].filter((n) => db.objectStoreNames.contains(n));
          const tx = db.transaction([...names, 'embeddings'], 'readonly');
          const out: Record<string, unknown> = { version: db.version, queue: 0, jobs: 0, embeddings: {} };
          for (const n of names) {
            const r = tx.objectStore(n).count();
            r.onsuccess = () => (out[n] = r.result);
          }
          const keys = tx.objectStore('embeddings').getAllKeys();
          keys.onsuccess = () => {
            const per: Record<string, number> = {};
            for (const k of keys.result as [string, string][]) per[k[0]] = (per[k[0]] ?? 0) + 1;
            out.embeddings = per;
          };
          tx.oncomplete = () => {
            db.close();
            resolve(out as unknown as Counts);
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

const embeddingCount = (c: Counts) => Object.values(c.embeddings).reduce((a, b) => a + b, 0);
const notices = (page: Page) => page.getByRole('status', { name: 'Library notices' });
const activeModel = (page: Page) => page.getByRole('group', { name: 'Active model', includeHidden: true });

async function search(page: Page): Promise<void> {
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(query.query);
  await expectTopResult(page, query.ranking[0]!, query.cosine[0]!);
}

test('a tab closed in the middle of indexing resumes on return: the check passes, no embedding is lost or doubled', async ({ context }) => {
  const page = await context.newPage();
  await page.goto('/?provider=wasm&e2e&indexDelay=500');
  await importDemoModel(page);
  await page.getByLabel('Add photos').setInputFiles(galleryFiles);
  // Some but not all photos are committed: close the tab.
  await expect.poll(async () => embeddingCount(await libraryCounts(page)), { timeout: 120_000 }).toBeGreaterThanOrEqual(8);
  const before = await libraryCounts(page);
  expect(embeddingCount(before)).toBeLessThan(TOTAL);
  expect(before.queue).toBeGreaterThan(0);
  expect(before.photos).toBe(embeddingCount(before));
  await page.close();

  // Back: the model starts from storage, the check passes, indexing resumes by itself.
  const back = await context.newPage();
  await back.goto('/?provider=wasm');
  // The check runs before the resume; a passed check says nothing.
  const resumed = notices(back).getByText(/Resuming indexing: \d+ photos? left/);
  await expect(resumed).toBeVisible({ timeout: 120_000 });
  await expect(notices(back)).not.toContainText('Library check');
  const left = Number(/(\d+) photos? left/.exec((await resumed.textContent()) ?? '')![1]);
  expect(left).toBeGreaterThan(0);
  expect(left).toBeLessThanOrEqual(TOTAL - embeddingCount(before));
  await expectStatus(back, `${TOTAL} photos indexed (${left} newly embedded)`);

  const after = await libraryCounts(back);
  expect(after).toMatchObject({ version: 3, photos: TOTAL, files: TOTAL, thumbnails: TOTAL, queue: 0, jobs: 0 });
  expect(Object.values(after.embeddings)).toEqual([TOTAL]);
  await search(back);

  // Break the library on purpose: a photo record deleted (its file, thumbnail and embedding are
  // left dangling), a vector of NaNs, a stray thumbnail. The next start-up check repairs it.
  const broken = await back.evaluate(
    () =>
      new Promise<{ gone: string; nan: string }>((resolve, reject) => {
        const open = indexedDB.open('longclip-search');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          const tx = db.transaction(['photos', 'files', 'thumbnails', 'embeddings', 'vectors'], 'readwrite');
          const files = tx.objectStore('files').getAll();
          files.onsuccess = () => {
            const [a, b] = files.result as { path: string; hash: string }[];
            tx.objectStore('photos').delete(a!.hash);
            // b's row of its embedding block (schema v3) becomes NaNs.
            const e = tx.objectStore('embeddings').getAll();
            e.onsuccess = () => {
              const rec = (e.result as { model: string; hash: string; block: number }[]).find((r) => r.hash === b!.hash)!;
              const blockReq = tx.objectStore('vectors').get([rec.model, rec.block]);
              blockReq.onsuccess = () => {
                const block = blockReq.result as { hashes: string[]; vectors: Float32Array };
                const dim = block.vectors.length / block.hashes.length;
                const row = block.hashes.indexOf(b!.hash);
                block.vectors.fill(NaN, row * dim, (row + 1) * dim);
                tx.objectStore('vectors').put(block);
              };
            };
            tx.objectStore('thumbnails').put({ hash: 'f'.repeat(64), blob: new Blob([new Uint8Array([1])]), width: 1, height: 1 });
            tx.oncomplete = () => {
              db.close();
              resolve({ gone: a!.path, nan: b!.path });
            };
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
  await back.reload();
  await expect(notices(back)).toContainText('Library check: removed 2 broken embeddings, 1 file record without a photo, 2 stray thumbnails.', {
    timeout: 120_000,
  });
  await expect(notices(back)).toContainText(`Add these 2 files again to search them: ${broken.gone}, ${broken.nan}.`);
  const repaired = await libraryCounts(back);
  expect(repaired).toMatchObject({ photos: TOTAL - 1, files: TOTAL - 1, thumbnails: TOTAL - 1, queue: 0 });
  expect(Object.values(repaired.embeddings)).toEqual([TOTAL - 2]);
  // Adding the gallery again embeds exactly the two.
  await back.getByLabel('Add photos').setInputFiles(galleryFiles);
  await expectStatus(back, `${TOTAL} photos indexed (2 newly embedded)`);
  await search(back);
});

test('storage full: a clear message, indexing stops cleanly, what was indexed stays searchable (also after a reload)', async ({ page }) => {
  // The full disk is injected (?e2e&storageFullAfter=12: the worker's batch transaction aborts with
  // QuotaExceededError once 12 embeddings are stored): Storage.overrideQuotaForOrigin is accepted
  // by this Chromium but does not change the quota a Playwright context's pages get.
  const FULL_AT = 12;
  await page.goto(`/?provider=wasm&e2e&storageFullAfter=${FULL_AT}`);
  await importDemoModel(page);
  await page.getByLabel('Add photos').setInputFiles(galleryFiles);

  const alert = page.getByRole('alert').filter({ hasText: 'Storage is full:' });
  await expect(alert).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole('progressbar', { name: 'Indexing' })).toHaveCount(0);
  // Whole batches only: photo, file, thumbnail and embedding records of the same 12 photos; the rest stays queued.
  const kept = await libraryCounts(page);
  expect(kept).toMatchObject({ photos: FULL_AT, files: FULL_AT, thumbnails: FULL_AT, queue: TOTAL - FULL_AT, jobs: 1 });
  expect(Object.values(kept.embeddings)).toEqual([FULL_AT]);
  const results = page.getByRole('list', { name: 'Results' }).getByRole('listitem');
  const box = page.getByRole('textbox', { name: 'Describe the photo' });
  await box.fill(query.query);
  await expect(results.first()).toContainText(/scene_\d{3}\.png/);

  // A reload still finds them; the resumed run meets the full disk again and stops the same way.
  await page.reload();
  await expect(activeModel(page)).toBeAttached({ timeout: 120_000 });
  await expect(alert).toBeVisible({ timeout: 60_000 });
  await expect(page.getByRole('progressbar', { name: 'Indexing' })).toHaveCount(0);
  await box.fill(query.query);
  await expect(results.first()).toContainText(/scene_\d{3}\.png/);
  expect(Object.values((await libraryCounts(page)).embeddings)).toEqual([FULL_AT]);

  // Space is freed: the next visit indexes the rest.
  await page.goto('/?provider=wasm');
  await expectStatus(page, `${TOTAL} photos indexed (${TOTAL - FULL_AT} newly embedded)`);
  expect(await libraryCounts(page)).toMatchObject({ photos: TOTAL, files: TOTAL, queue: 0, jobs: 0 });
  await search(page);
});

test('two tabs index at once without corruption; an upgrade in one tab tells the other to reload', async ({ context }) => {
  const a = await context.newPage();
  await a.goto('/?provider=wasm');
  await importDemoModel(a);
  const b = await context.newPage();
  await b.goto('/?provider=wasm');
  await expect(activeModel(b)).toBeAttached({ timeout: 120_000 });

  // Overlapping halves, added in both tabs at the same time: one tab indexes, the other waits for it.
  await Promise.all([a.getByLabel('Add photos').setInputFiles(galleryFiles.slice(0, 25)), b.getByLabel('Add photos').setInputFiles(galleryFiles.slice(15))]);
  const line = /^(\d+) photos indexed \((\d+) newly embedded\)$/;
  const status = (p: Page) => p.getByRole('status').filter({ hasText: line });
  await expect(status(a)).toHaveText(new RegExp(`^${TOTAL} photos indexed`), { timeout: 240_000 });
  await expect(status(b)).toHaveText(new RegExp(`^${TOTAL} photos indexed`), { timeout: 240_000 });
  // Each photo was embedded once, by one tab or the other.
  const newly = async (p: Page) => Number(line.exec((await status(p).textContent()) ?? '')![2]);
  expect((await newly(a)) + (await newly(b))).toBe(TOTAL);
  const counts = await libraryCounts(a);
  expect(counts).toMatchObject({ photos: TOTAL, files: TOTAL, thumbnails: TOTAL, queue: 0, jobs: 0 });
  expect(Object.values(counts.embeddings)).toEqual([TOTAL]);
  await search(a);
  await search(b);

  // A newer version of the app in tab b opens the database with a higher version: not blocked.
  const upgraded = await b.evaluate(
    () =>
      new Promise<number>((resolve, reject) => {
        const open = indexedDB.open('longclip-search', 4);
        open.onblocked = () => reject(new Error('blocked'));
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const v = open.result.version;
          open.result.close();
          resolve(v);
        };
      }),
  );
  expect(upgraded).toBe(4);
  await expect(a.getByRole('alert').filter({ hasText: 'The app was updated in another tab — reload to continue.' })).toBeVisible();
  await expect(a.getByRole('button', { name: 'Reload' })).toBeVisible();
  // Tab a does not break: the search still answers from what it has loaded.
  await a.getByRole('textbox', { name: 'Describe the photo' }).fill('');
  await search(a);
});

test('an upgrade waiting for a tab that keeps the old version open says so, then keeps the old data', async ({ context }) => {
  // An "old tab": version 1 of the library, opened without a versionchange handler.
  const old = await context.newPage();
  await old.route('**/old-tab.html', (route) => route.fulfill({ contentType: 'text/html', body: '<!doctype html><title>old tab</title>' }));
  await old.goto('/old-tab.html');
  await old.evaluate(
    () =>
      new Promise<void>((resolve, reject) => {
        const open = indexedDB.open('longclip-search', 1);
        open.onupgradeneeded = () => {
          const db = open.result;
          db.createObjectStore('photos', { keyPath: 'hash' }).put({ hash: 'a'.repeat(64), width: 4, height: 3, type: 'image/png', size: 1, addedAt: 1 });
          db.createObjectStore('files', { keyPath: 'path' }).createIndex('by-hash', 'hash');
          db.createObjectStore('thumbnails', { keyPath: 'hash' });
          db.createObjectStore('embeddings', { keyPath: ['model', 'hash'] }).createIndex('by-model', 'model');
          db.createObjectStore('models', { keyPath: 'key' });
          db.createObjectStore('folders', { keyPath: 'name' });
          open
            .transaction!.objectStore('files')
            .put({ path: 'a.png', name: 'a.png', folder: '', hash: 'a'.repeat(64), size: 1, lastModified: 1, type: 'image/png', addedAt: 1 });
        };
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          (window as unknown as { oldDb: IDBDatabase }).oldDb = open.result;
          resolve();
        };
      }),
  );

  const page = await context.newPage();
  await page.goto('/?provider=wasm');
  const blocked = page.getByRole('alert').filter({ hasText: 'Another tab of this app is still open with an older version' });
  await expect(blocked).toBeVisible();
  await old.evaluate(() => (window as unknown as { oldDb: IDBDatabase }).oldDb.close());
  await expect(blocked).toHaveCount(0);
  await expect(page.getByText('1 file in the library')).toBeVisible();
  const counts = await libraryCounts(page);
  expect(counts).toMatchObject({ version: 3, photos: 1, files: 1, queue: 0, jobs: 0 });
});

test('embeddings are kept per model: another precision embeds again, switching back embeds nothing', async ({ page }) => {
  await page.goto('/?provider=wasm');
  await importDemoModel(page);
  await expect(activeModel(page)).toContainText('float16');
  await page.getByLabel('Add photos').setInputFiles(galleryFiles);
  await expectStatus(page, `${TOTAL} photos indexed (${TOTAL} newly embedded)`);

  // The same checkpoint converted to int8 is another model: all photos are embedded again.
  await openSetup(page);
  await page.getByLabel('Precision').selectOption('int8');
  await importDemoModel(page);
  await expect(activeModel(page)).toContainText('int8', { timeout: 180_000 });
  await page.getByLabel('Add photos').setInputFiles(galleryFiles);
  await expectStatus(page, `${TOTAL} photos indexed (${TOTAL} newly embedded)`);
  const counts = await libraryCounts(page);
  expect(Object.values(counts.embeddings)).toEqual([TOTAL, TOTAL]);
  expect(
    Object.keys(counts.embeddings)
      .map((k) => k.split(':')[1]!)
      .sort((a, b) => a.localeCompare(b)),
  ).toEqual(['float16', 'int8']);

  // Back to float16 from the stored models: its embeddings are reused.
  await page.locator('.model-row').filter({ hasText: 'demo-longclip' }).filter({ hasText: 'float16' }).getByRole('button', { name: /^Load/ }).click();
  await expect(activeModel(page)).toContainText('float16', { timeout: 120_000 });
  await expect(page.getByText(`${TOTAL} files in the library, ${TOTAL} photos indexed for this model.`)).toBeVisible();
  await page.getByLabel('Add photos').setInputFiles(galleryFiles);
  await expectStatus(page, `${TOTAL} photos indexed (0 newly embedded)`);
  await search(page);
});

test('a remembered folder resumes through its handle; a folder that needs permission again waits for "Resume indexing"', async ({ context }) => {
  await fakeFolderPicker(context);
  const page = await context.newPage();
  await page.goto('/?provider=wasm&e2e&indexDelay=500');
  await writeGalleryFolder(page);
  await importDemoModel(page);
  await page.getByRole('button', { name: 'Pick a folder to remember' }).click();
  await expect(page.getByRole('list', { name: 'Remembered folders' })).toContainText('Gallery');
  await expect.poll(async () => embeddingCount(await libraryCounts(page)), { timeout: 120_000 }).toBeGreaterThanOrEqual(4);
  const before = await libraryCounts(page);
  expect(embeddingCount(before)).toBeLessThan(TOTAL);
  // Only the folder's handle and the paths are queued: no copies of the files.
  const kinds = await page.evaluate(
    () =>
      new Promise<string[]>((resolve, reject) => {
        const open = indexedDB.open('longclip-search');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const all = open.result.transaction('queue').objectStore('queue').getAll();
          all.onsuccess = () => {
            open.result.close();
            resolve([...new Set((all.result as { source: { kind: string } }[]).map((e) => e.source.kind))]);
          };
        };
      }),
  );
  expect(kinds).toEqual(['folder']);
  await page.evaluate(() => localStorage.setItem('e2e-permission', 'prompt'));
  await page.close();

  const back = await context.newPage();
  await back.goto('/?provider=wasm');
  const waiting = back.getByRole('group', { name: 'Indexing waits for permission' });
  await expect(waiting).toContainText('“Gallery”', { timeout: 120_000 });
  await expect(back.getByRole('progressbar', { name: 'Indexing' })).toHaveCount(0);
  await waiting.getByRole('button', { name: 'Resume indexing' }).click();
  await expect(waiting).toHaveCount(0);
  await expect(back.getByRole('status').filter({ hasText: 'indexed' })).toHaveText(new RegExp(`^${TOTAL} photos indexed \\(\\d+ newly embedded\\)$`), {
    timeout: 240_000,
  });
  const after = await libraryCounts(back);
  expect(after).toMatchObject({ photos: TOTAL, files: TOTAL, thumbnails: TOTAL, queue: 0, jobs: 0 });
  expect(Object.values(after.embeddings)).toEqual([TOTAL]);
  await search(back);
});

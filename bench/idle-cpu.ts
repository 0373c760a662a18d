// npm run bench:idle: does the app use the CPU while it does nothing? Opens the app in headless
// Chromium (WASM provider, 2 onnxruntime threads), measures the CPU time of Chromium's process
// tree over 10 s idle before a model is loaded (the anchor), then again after the demo model was
// imported and its gallery indexed (the worker holds the onnxruntime sessions and their thread
// pool), and once more after a search. Prints a Markdown table and, last, one JSON line.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Page } from 'playwright-core';
import { createServer } from 'vite';
import { demoDir, goldensDir } from '../src/engine/testing/shared';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const ARGS = ['--enable-unsafe-webgpu', '--no-sandbox', '--disable-background-networking', '--disable-component-update', '--disable-sync'];
const IDLE_MS = 10_000;
const TICK = 100; // USER_HZ: /proc times are in 1/100 s

/** Processes under `root` (itself included), from /proc. */
function tree(root: number): number[] {
  const parent = new Map<number, number>();
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const stat = readFileSync(`/proc/${name}/stat`, 'utf8');
      parent.set(Number(name), Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]));
    } catch {
      // gone meanwhile
    }
  }
  const out = [root];
  for (let i = 0; i < out.length; i++) for (const [pid, ppid] of parent) if (ppid === out[i]) out.push(pid);
  return out;
}

/** User + system CPU seconds of the processes under `root`. */
function cpuSeconds(root: number): number {
  let ticks = 0;
  for (const pid of tree(root)) {
    try {
      const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
      // Fields after "(comm)": state is 0, utime 11, stime 12.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      ticks += Number(f[11]) + Number(f[12]);
    } catch {
      // gone meanwhile
    }
  }
  return ticks / TICK;
}

async function idleShare(root: number, page: Page): Promise<number> {
  await page.waitForTimeout(2000); // let the last work settle
  const c0 = cpuSeconds(root);
  const t0 = performance.now();
  await page.waitForTimeout(IDLE_MS);
  return (cpuSeconds(root) - c0) / ((performance.now() - t0) / 1000);
}

const server = await createServer({ server: { port: 4338, strictPort: false, hmr: false }, logLevel: 'error' });
await server.listen();
const url = server.resolvedUrls!.local[0]!;
const browser = await chromium.launch({ executablePath: CHROMIUM, args: ARGS });
try {
  const page = await browser.newPage();
  await page.goto(`${url}?provider=wasm`);
  await page.getByRole('heading', { name: 'Photo search' }).waitFor();
  const root = process.pid;
  const before = await idleShare(root, page);

  await page.getByLabel('Import model').setInputFiles([join(demoDir, 'demo-longclip.pt'), join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz')]);
  await page.getByRole('group', { name: 'Active model' }).waitFor({ timeout: 180_000 });
  await page.getByLabel('Add folder').setInputFiles(join(demoDir, 'gallery'));
  await page.getByRole('status').filter({ hasText: '40 photos indexed' }).waitFor({ timeout: 240_000 });
  const loaded = await idleShare(root, page);

  const demo = JSON.parse(readFileSync(join(demoDir, 'demo.json'), 'utf8')) as { queries: { query: string }[] };
  await page.getByRole('textbox', { name: 'Describe the photo' }).fill(demo.queries[0]!.query);
  await page.getByRole('list', { name: 'Results' }).getByRole('listitem').first().waitFor();
  const searched = await idleShare(root, page);

  const pct = (x: number) => `${(x * 100).toFixed(1)}%`;
  process.stderr.write('| state | CPU while idle (share of one core, Chromium process tree, 10 s) |\n| --- | --- |\n');
  process.stderr.write(
    `| page open, no model (anchor) | ${pct(before)} |\n| model loaded, 40 photos indexed | ${pct(loaded)} |\n| after a search | ${pct(searched)} |\n`,
  );
  process.stdout.write(`${JSON.stringify({ idle_no_model: before, idle_model_loaded: loaded, idle_after_search: searched })}\n`);
} finally {
  await browser.close();
  await server.close();
}

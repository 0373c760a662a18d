// npm run bench:video-browser [-- --providers wasm,webgpu] [-- --timeout 300] [-- --decode-runs 5] [-- --no-warmup]:
// the app's video indexing speed end to end in headless Chromium (Debian's, as the e2e tests
// launch it), per container on the demo clips (../shared/demo/video: clip_01.mp4 H.264,
// clip_02.webm VP9, clip_03.mov H.264 QuickTime). A Vite dev server is started on a free port;
// for each provider a fresh browser context opens /?provider=<p>, imports the demo model through
// "Import model", then adds one clip at a time through "Add photos" and times from
// setInputFiles to the status line "0 photos and N videos indexed (1 newly embedded)": hashing,
// demuxing, decoding (WebCodecs), sampling, thumbnails, preprocessing, the image encoder and the
// IndexedDB writes. Frames embedded per clip are counted in IndexedDB (the embedding rows keyed
// '<hash>@<ms>'). By default clip_04.mp4 is indexed first as a warm-up (first inference, WebGPU
// shader compilation), reported on its own row. A clip that does not finish within --timeout
// seconds is reported with the frames embedded so far. For comparison, decoding and sampling
// alone (src/worker/video-frames.ts openBrowserVideo through e2e/harness/video.html, no
// encoder, in the page's main thread) is timed per clip: the median of --decode-runs runs after
// one warm-up run. Prints Markdown tables and, last, one JSON line.
import { readFileSync } from 'node:fs';
import { availableParallelism, loadavg } from 'node:os';
import { basename, join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer } from 'vite';
import { parseArgs, single } from '../src/cli/args';
import { demoDir, goldensDir } from '../src/engine/testing/shared';
import { CHROMIUM, CHROMIUM_ARGS } from './lib/chromium';
import { cacheDir, repoRoot } from './lib/paths';
import { median, round } from './lib/stats';

type Provider = 'wasm' | 'webgpu';

const args = parseArgs(process.argv.slice(2), ['providers', 'timeout', 'decode-runs', 'no-warmup']);
const providerNames = (single(args, 'providers') ?? 'wasm,webgpu').split(',').filter(Boolean);
const timeoutMs = Number(single(args, 'timeout') ?? 300) * 1000;
const decodeRuns = Number(single(args, 'decode-runs') ?? 5);
const warmup = !args.flags.has('no-warmup');
for (const p of providerNames) if (p !== 'wasm' && p !== 'webgpu') throw new Error(`unknown provider ${p} (wasm, webgpu)`);
const providers = providerNames as Provider[];

const videoDir = join(demoDir, 'video');
const CLIPS = ['clip_01.mp4', 'clip_02.webm', 'clip_03.mov'];
const WARMUP_CLIP = 'clip_04.mp4';
const containers: Record<string, string> = { mp4: 'MP4 (H.264)', webm: 'WebM (VP9)', mov: 'QuickTime (H.264)' };
const durations = new Map(
  (JSON.parse(readFileSync(join(videoDir, 'videos.json'), 'utf8')) as { clips: { file: string; duration: number }[] }).clips.map((c) => [c.file, c.duration]),
);

function say(message: string): void {
  process.stderr.write(`bench[video-browser]: ${message}\n`);
}

interface IndexRow {
  provider: Provider;
  file: string;
  warmup: boolean;
  finished: boolean;
  seconds: number;
  video_s: number;
  frames: number;
  frames_per_s: number;
  video_s_per_s: number;
}

interface DecodeRow {
  file: string;
  decoded: number;
  sampled: number;
  video_s: number;
  median_s: number;
  runs_s: number[];
  sampled_per_s: number;
  decoded_per_s: number;
  video_s_per_s: number;
}

/** Frame rows stored in IndexedDB (embedding keys '<hash>@<ms>') and the video records' frame counts and durations. */
function stored(page: Page): Promise<{ rows: number; videos: { frames: number; duration: number; codec: string }[] }> {
  return page.evaluate(
    () =>
      new Promise<{ rows: number; videos: { frames: number; duration: number; codec: string }[] }>((resolve, reject) => {
        const open = indexedDB.open('longclip-search');
        open.onerror = () => reject(open.error);
        open.onsuccess = () => {
          const db = open.result;
          if (!db.objectStoreNames.contains('embeddings') || !db.objectStoreNames.contains('photos')) {
            db.close();
            resolve({ rows: 0, videos: [] });
            return;
          }
          const tx = db.transaction(['embeddings', 'photos'], 'readonly');
          const keys = tx.objectStore('embeddings').getAllKeys();
          const photos = tx.objectStore('photos').getAll();
          tx.oncomplete = () => {
            db.close();
            const records = photos.result as { addedAt?: number; video?: { frames: number[]; duration: number; codec: string } }[];
            resolve({
              rows: (keys.result as [string, string][]).filter(([, k]) => k.includes('@')).length,
              videos: records
                .filter((p) => p.video)
                .sort((a, b) => (a.addedAt ?? 0) - (b.addedAt ?? 0))
                .map((p) => ({ frames: p.video!.frames.length, duration: p.video!.duration, codec: p.video!.codec })),
            });
          };
          tx.onerror = () => reject(tx.error);
        };
      }),
  );
}

/** Resolves when the indexing status line reads exactly `text` (polled every 25 ms in the page); false on timeout. */
async function waitForStatus(page: Page, text: string, timeout: number): Promise<boolean> {
  try {
    await page.waitForFunction((t) => [...document.querySelectorAll('p.run-summary[role="status"]')].some((e) => e.textContent === t), text, {
      polling: 25,
      timeout,
    });
    return true;
  } catch (e) {
    if ((e as Error).name === 'TimeoutError') return false;
    throw e;
  }
}

async function indexClips(browser: Browser, baseUrl: string, provider: Provider): Promise<IndexRow[]> {
  const context = await browser.newContext();
  const rows: IndexRow[] = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => say(`[${provider} page error] ${e.message}`));
    await page.goto(`${baseUrl}/?provider=${provider}`);
    let t = performance.now();
    await page.getByLabel('Import model').setInputFiles([join(demoDir, 'demo-longclip.pt'), join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz')]);
    await page.getByRole('group', { name: 'Active model', includeHidden: true }).waitFor({ state: 'attached', timeout: 300_000 });
    say(`${provider}: demo model imported in ${((performance.now() - t) / 1000).toFixed(1)} s`);
    const files = [...(warmup ? [WARMUP_CLIP] : []), ...CLIPS];
    for (const [i, file] of files.entries()) {
      const n = i + 1;
      const expected = `0 photos and ${n} video${n === 1 ? '' : 's'} indexed (1 newly embedded)`;
      const before = await stored(page);
      t = performance.now();
      await page.getByLabel('Add photos').setInputFiles(join(videoDir, file));
      const finished = await waitForStatus(page, expected, timeoutMs);
      const seconds = (performance.now() - t) / 1000;
      const after = await stored(page);
      const frames = after.rows - before.rows;
      const record = finished ? after.videos.at(-1) : undefined;
      if (record && record.frames !== frames) say(`${provider} ${file}: ${frames} embedding rows but the record lists ${record.frames} frames`);
      const videoSeconds = record?.duration ?? durations.get(file)!;
      const row: IndexRow = {
        provider,
        file,
        warmup: file === WARMUP_CLIP,
        finished,
        seconds: round(seconds, 2),
        video_s: round(videoSeconds, 2),
        frames,
        frames_per_s: round(frames / seconds, 2),
        // Unfinished: the video seconds covered are not known exactly; the clip's share embedded is not either (frames are not evenly spaced).
        video_s_per_s: finished ? round(videoSeconds / seconds, 2) : NaN,
      };
      rows.push(row);
      say(
        `${provider} ${file}: ${finished ? '' : `NOT FINISHED within ${timeoutMs / 1000} s, `}${frames} frames in ${seconds.toFixed(2)} s: ` +
          `${row.frames_per_s} frames/s, ${finished ? `${row.video_s_per_s} video s/s` : 'video s/s unknown'}`,
      );
      if (!finished) break;
    }
  } finally {
    await context.close();
  }
  return rows;
}

async function decodeOnly(browser: Browser, baseUrl: string): Promise<DecodeRow[]> {
  const context = await browser.newContext();
  const rows: DecodeRow[] = [];
  try {
    const page = await context.newPage();
    page.on('pageerror', (e) => say(`[decode page error] ${e.message}`));
    await page.route('**/__bench-video/*', (route) =>
      route.fulfill({
        status: 200,
        body: readFileSync(join(videoDir, basename(new URL(route.request().url()).pathname))),
        headers: { 'Cross-Origin-Resource-Policy': 'same-origin' },
      }),
    );
    await page.goto(`${baseUrl}/e2e/harness/video.html`);
    await page.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 120_000 });
    for (const file of CLIPS) {
      const wall: number[] = [];
      let last: { stats: { decoded: number; sampled: number; seconds: number } | null; error: string | null } | null = null;
      for (let r = 0; r < decodeRuns + 1; r++) {
        const report = await page.evaluate((u) => window.videoHarness.run(u), `/__bench-video/${file}`);
        if (report.error) throw new Error(`${file}: ${report.error}`);
        if (r > 0) wall.push(report.wallSeconds);
        last = report;
      }
      const s = last!.stats!;
      const m = median(wall);
      rows.push({
        file,
        decoded: s.decoded,
        sampled: s.sampled,
        video_s: round(s.seconds, 2),
        median_s: round(m, 3),
        runs_s: wall.map((w) => round(w, 3)),
        sampled_per_s: round(s.sampled / m, 1),
        decoded_per_s: round(s.decoded / m, 1),
        video_s_per_s: round(s.seconds / m, 1),
      });
      say(`decode ${file}: ${s.decoded} decoded, ${s.sampled} sampled, ${s.seconds.toFixed(1)} s of video in ${m.toFixed(3)} s (median of ${wall.length})`);
    }
  } finally {
    await context.close();
  }
  return rows;
}

const started = performance.now();
const loadBefore = loadavg()[0]!;
const server = await createServer({
  configFile: join(repoRoot, 'vite.config.ts'),
  root: repoRoot,
  // Its own optimiser cache: a concurrent e2e dev server keeps node_modules/.vite to itself.
  cacheDir: join(cacheDir, 'vite-video-browser'),
  logLevel: 'warn',
  clearScreen: false,
  server: { host: '127.0.0.1', port: Number(process.env.BENCH_PORT ?? 4339), strictPort: false, hmr: false, watch: null },
});
await server.listen();
const address = server.httpServer?.address();
if (!address || typeof address === 'string') throw new Error('the dev server has no address');
const baseUrl = `http://127.0.0.1:${address.port}`;
say(`dev server at ${baseUrl}; Chromium ${CHROMIUM}`);
const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS, headless: true });
const index: IndexRow[] = [];
let decode: DecodeRow[] = [];
try {
  say(`Chromium ${browser.version()}`);
  decode = await decodeOnly(browser, baseUrl);
  for (const provider of providers) index.push(...(await indexClips(browser, baseUrl, provider)));
} finally {
  await browser.close();
  await server.close();
}
const totalSeconds = round((performance.now() - started) / 1000, 1);
// The machine may be shared (other test runs): its load says how far to trust the figures.
const load = { before: round(loadBefore, 2), after: round(loadavg()[0]!, 2) };

const ext = (f: string) => containers[f.split('.').pop()!] ?? f;
const lines = [
  '',
  '### End to end (the app: Add photos -> status line), frames embedded per second and video seconds per second',
  '',
  '| provider | clip | container | frames | video s | wall s | frames/s | video s/s |',
  '| --- | --- | --- | ---: | ---: | ---: | ---: | ---: |',
  ...index.map(
    (r) =>
      `| ${r.provider} | ${r.file}${r.warmup ? ' (warm-up)' : ''} | ${ext(r.file)} | ${r.frames} | ${r.finished ? r.video_s : '?'} | ${r.seconds}${r.finished ? '' : ' (timed out)'} | ${r.frames_per_s} | ${r.finished ? r.video_s_per_s : 'n/a'} |`,
  ),
  '',
  `### Decode and sampling alone (openBrowserVideo in the page, no encoder; median of ${decodeRuns} after a warm-up run)`,
  '',
  '| clip | container | decoded | sampled | video s | wall s | sampled frames/s | decoded frames/s | video s/s |',
  '| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |',
  ...decode.map(
    (r) =>
      `| ${r.file} | ${ext(r.file)} | ${r.decoded} | ${r.sampled} | ${r.video_s} | ${r.median_s} | ${r.sampled_per_s} | ${r.decoded_per_s} | ${r.video_s_per_s} |`,
  ),
  '',
  `Whole script: ${totalSeconds} s; 1-minute load average ${load.before} before, ${load.after} after (${availableParallelism()} CPUs).`,
  '',
];
process.stderr.write(lines.join('\n'));
process.stdout.write(`${JSON.stringify({ chromium: CHROMIUM, index, decode, total_seconds: totalSeconds, load, cpus: availableParallelism() })}\n`);
process.exit(0);

// The benchmark's Chromium figures: headless Debian Chromium driven by Playwright, on the bench
// page (bench/page/) served by a Vite dev server this module starts on 127.0.0.1 with the repo's
// vite.config.ts (its COOP/COEP headers make the page cross-origin isolated, so ORT's WASM may use
// threads). Every function starts its own server and browser and closes both before returning.
// Files from disk reach the page through a bench-only middleware (/__bench/m/<key>/...) or, for
// File objects, through file inputs (setInputFiles).
import { createReadStream, existsSync, readdirSync, readFileSync, renameSync, statSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { basename, join, resolve, sep } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { createServer, type Plugin, type ViteDevServer } from 'vite';
import { CHROMIUM, CHROMIUM_ARGS } from './lib/chromium';
import { startMemorySampler } from './lib/chromium-mem';
import { cacheDir, ensureDir, mergesFile, paths, repoRoot } from './lib/paths';
import { TEXT_LENGTHS } from './lib/shapes';
import { CAMERA_HEIGHT, CAMERA_WIDTH, cameraPhotoPixels } from '../src/engine/preprocess/testing/camera-photo';
import type { EncoderBenchResult, IndexReplicaResult, RankResult } from './page/protocol';

/** Not 4317 (the e2e dev server's); the next free port is taken if this one is busy. */
const PORT = Number(process.env.BENCH_PORT ?? 4337);
const PAGE = '/bench/page/index.html';
const MB = 1024 * 1024;

type Provider = 'wasm' | 'webgpu';

function say(message: string): void {
  process.stderr.write(`bench[browser]: ${message}\n`);
}

// ---------------------------------------------------------------------------------------------
// Server and browser

/** Serves registered folders under /__bench/m/<key>/ (streamed; same-origin, so COEP allows it). */
function benchFiles(mounts: Map<string, string>): Plugin {
  const handler = (req: IncomingMessage, res: ServerResponse, next: (err?: unknown) => void) => {
    const m = /^\/m\/([\w-]+)\/(.+)$/.exec(decodeURIComponent((req.url ?? '').split('?')[0]!));
    const root = m ? mounts.get(m[1]!) : undefined;
    if (!m || !root) return next();
    const file = resolve(root, m[2]!);
    if (!file.startsWith(root + sep) || !existsSync(file) || !statSync(file).isFile()) {
      res.statusCode = 404;
      res.end();
      return;
    }
    res.statusCode = 200;
    res.setHeader('Content-Type', 'application/octet-stream');
    res.setHeader('Content-Length', String(statSync(file).size));
    res.setHeader('Cache-Control', 'no-store');
    res.setHeader('Cross-Origin-Resource-Policy', 'same-origin');
    if (req.method === 'HEAD') return void res.end();
    createReadStream(file).pipe(res);
  };
  return {
    name: 'bench-files',
    configureServer(server) {
      server.middlewares.use('/__bench', handler);
    },
  };
}

interface Session {
  baseUrl: string;
  browser: Browser;
  /** The browser process (the root of its renderer and GPU processes). */
  pid: number;
  /** URL prefix (ending in /) that serves `dir`. */
  mount(dir: string): string;
  /** A fresh context (empty storage) with the bench page loaded. */
  openPage(): Promise<Page>;
}

async function startServer(mounts: Map<string, string>): Promise<{ server: ViteDevServer; baseUrl: string }> {
  const server = await createServer({
    configFile: join(repoRoot, 'vite.config.ts'),
    root: repoRoot,
    // Its own optimiser cache: a concurrent e2e dev server keeps node_modules/.vite to itself.
    cacheDir: join(cacheDir, 'vite'),
    logLevel: 'warn',
    clearScreen: false,
    server: { host: '127.0.0.1', port: PORT, strictPort: false, hmr: false, watch: null },
    // Scanned up front with the config's own entries, so the server never re-optimises and reloads mid-run.
    optimizeDeps: { entries: ['bench/page/index.html', 'bench/page/bench-worker.ts'] },
    plugins: [benchFiles(mounts)],
  });
  try {
    await server.listen();
  } catch (e) {
    await server.close();
    throw e;
  }
  const address = server.httpServer?.address();
  if (!address || typeof address === 'string') {
    await server.close();
    throw new Error('the bench dev server has no address');
  }
  return { server, baseUrl: `http://127.0.0.1:${address.port}` };
}

async function withSession<T>(run: (s: Session) => Promise<T>): Promise<T> {
  const mounts = new Map<string, string>();
  const { server, baseUrl } = await startServer(mounts);
  let browser: Browser | null = null;
  let pid: number | null = null;
  // Playwright's Browser does not expose its process: a marker switch finds it in /proc.
  const marker = `--bench-run=${process.pid}-${Date.now().toString(36)}`;
  const killOnExit = () => {
    try {
      if (pid) process.kill(pid, 'SIGKILL');
    } catch {
      // already gone
    }
  };
  process.once('exit', killOnExit);
  try {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_ARGS, marker], headless: true });
    pid = findBrowserPid(marker);
    const b = browser;
    const session: Session = {
      baseUrl,
      browser: b,
      pid,
      mount(dir) {
        const key = `d${mounts.size}`;
        mounts.set(key, resolve(dir));
        return `/__bench/m/${key}/`;
      },
      async openPage() {
        const context = await b.newContext();
        const page = await context.newPage();
        page.on('console', (m) => say(`[page] ${m.text()}`));
        page.on('pageerror', (e) => say(`[page error] ${e.message}`));
        await page.goto(`${baseUrl}${PAGE}`);
        await page.locator('body[data-ready="true"]').waitFor({ state: 'attached', timeout: 120_000 });
        return page;
      },
    };
    return await run(session);
  } finally {
    await browser?.close().catch(() => undefined);
    process.removeListener('exit', killOnExit);
    await server.close();
  }
}

function findBrowserPid(marker: string): number {
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    let cmdline: string;
    try {
      cmdline = readFileSync(`/proc/${name}/cmdline`, 'utf8');
    } catch {
      continue;
    }
    const args = cmdline.split('\0');
    if (args.includes(marker) && !args.some((a) => a.startsWith('--type='))) return Number(name);
  }
  throw new Error('the Chromium browser process was not found in /proc');
}

const round = (x: number, digits = 3) => Number(x.toFixed(digits));

// ---------------------------------------------------------------------------------------------
// Encoders: this engine, and the torch.onnx.export peer route

export interface EngineBrowserBenchOptions {
  bundleDir: string;
  provider: Provider;
  quick: boolean;
  /** ort.env.wasm.numThreads; default: ORT's own default, which is what the app runs with. */
  threads?: number;
  batches?: number[];
  textLengths?: number[];
  fusedOps?: boolean;
  shaderF16?: boolean;
}

export interface BrowserEncoderResult extends EncoderBenchResult {
  page_cross_origin_isolated: boolean;
  gpu?: { hasGpu: boolean; shaderF16: boolean; vendor: string; architecture: string; description: string };
  /** Best images/s over the batches measured. */
  image_per_s_best: number | null;
  /** Median ms per text length (tokens -> ms). */
  text_ms: Record<string, number | null>;
}

function summarise(r: EncoderBenchResult): Pick<BrowserEncoderResult, 'image_per_s_best' | 'text_ms'> {
  const rates = r.image.map((f) => f.per_s).filter((x): x is number => x !== null);
  return {
    image_per_s_best: rates.length ? Math.max(...rates) : null,
    text_ms: Object.fromEntries(r.text.map((t) => [String(t.tokens), t.median_ms === null ? null : round(t.median_ms, 1)])),
  };
}

/** This engine (ClipEngine from bundle URLs) in the bench page's dedicated worker. */
export async function engineBrowserBench(opts: EngineBrowserBenchOptions): Promise<BrowserEncoderResult> {
  return withSession(async (s) => {
    const page = await s.openPage();
    const pageInfo = await page.evaluate(() => window.bench.pageInfo());
    const gpu = opts.provider === 'webgpu' ? await page.evaluate(() => window.bench.gpuInfo()) : undefined;
    say(`engine on ${opts.provider}: ${opts.bundleDir} (page crossOriginIsolated=${pageInfo.crossOriginIsolated})`);
    const args = {
      bundleUrl: s.mount(opts.bundleDir),
      provider: opts.provider,
      quick: opts.quick,
      batches: opts.batches ?? [1, 8],
      textLengths: opts.textLengths ?? [...TEXT_LENGTHS],
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
      ...(opts.fusedOps !== undefined ? { fusedOps: opts.fusedOps } : {}),
      ...(opts.shaderF16 !== undefined ? { shaderF16: opts.shaderF16 } : {}),
    };
    const r = await page.evaluate((a) => window.bench.engine(a), args);
    return { ...r, page_cross_origin_isolated: pageInfo.crossOriginIsolated, ...(gpu ? { gpu } : {}), ...summarise(r) };
  });
}

export interface TorchExportBrowserBenchOptions {
  exportDir: string;
  quick: boolean;
  threads?: number;
  batches?: number[];
  textLengths?: number[];
}

/** The external data files each graph of an export folder may reference. */
function exportDataFiles(dir: string): { imageData: string[]; textData: string[] } {
  const others = readdirSync(dir).filter((f) => !f.endsWith('.onnx') && !/\.(json|txt|md|log|py)$/i.test(f) && statSync(join(dir, f)).isFile());
  const imageData = others.filter((f) => f.startsWith('image'));
  const textData = others.filter((f) => f.startsWith('text'));
  const rest = others.filter((f) => !f.startsWith('image') && !f.startsWith('text'));
  // Per-tensor files (the legacy exporter's) cannot be told apart by name: give each graph all of them.
  return { imageData: [...imageData, ...rest], textData: [...textData, ...rest] };
}

/** The torch.onnx.export graphs (image.onnx, text.onnx) on onnxruntime-web WASM, in the same worker setup. */
export async function torchExportBrowserBench(opts: TorchExportBrowserBenchOptions): Promise<BrowserEncoderResult> {
  for (const f of ['image.onnx', 'text.onnx']) if (!existsSync(join(opts.exportDir, f))) throw new Error(`${join(opts.exportDir, f)} is missing`);
  return withSession(async (s) => {
    const page = await s.openPage();
    const pageInfo = await page.evaluate(() => window.bench.pageInfo());
    say(`torch export on wasm: ${opts.exportDir}`);
    const args = {
      baseUrl: s.mount(opts.exportDir),
      ...exportDataFiles(opts.exportDir),
      quick: opts.quick,
      batches: opts.batches ?? (opts.quick ? [1, 4] : [1, 4, 8]),
      textLengths: opts.textLengths ?? [...TEXT_LENGTHS],
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    };
    const r = await page.evaluate((a) => window.bench.torchExport(a), args);
    return { ...r, page_cross_origin_isolated: pageInfo.crossOriginIsolated, ...summarise(r) };
  });
}

// ---------------------------------------------------------------------------------------------
// Conversion in the page

export interface ConvertInBrowserOptions {
  checkpoint: string;
  dtype: 'fp32' | 'fp16' | 'float32' | 'float16';
  merges?: string;
}

export interface ConvertInBrowserResult {
  seconds: number;
  file_mb: number;
  bundle_mb: number;
  /** Peak VmRSS of the renderer + GPU processes during the conversion, minus their sum just before. */
  peak_mb: number;
  baseline_mb: number;
  /** The browser process alone (Chromium keeps Blob data there), peak minus before: reported, not in peak_mb. */
  browser_process_peak_mb: number;
  samples: number;
  context: 'worker';
}

/**
 * Converts a checkpoint from a File (picked through a file input, as the app's Import does) in
 * the bench page's worker: convertCheckpoint(new BlobSource(file), merges, new BlobBundleOutput()).
 */
export async function convertInBrowser(opts: ConvertInBrowserOptions): Promise<ConvertInBrowserResult> {
  const dtype: 'float16' | 'float32' = opts.dtype === 'fp16' || opts.dtype === 'float16' ? 'float16' : 'float32';
  const fileBytes = statSync(opts.checkpoint).size;
  return withSession(async (s) => {
    const page = await s.openPage();
    await page.setInputFiles('#checkpoint', opts.checkpoint);
    await page.setInputFiles('#vocab', opts.merges ?? mergesFile);
    // Start the worker (and let the page settle) before the baseline, so neither counts as conversion memory.
    await page.evaluate(() => window.bench.workerInfo());
    await page.waitForTimeout(500);
    say(`converting ${basename(opts.checkpoint)} (${(fileBytes / MB).toFixed(0)} MB, ${dtype}) in the page's worker`);
    const sampler = startMemorySampler(s.pid, 50);
    let r: { seconds: number; bytes: number };
    try {
      r = await page.evaluate((d) => window.bench.convert(d), dtype);
    } catch (e) {
      sampler.stop();
      throw e;
    }
    const mem = sampler.stop();
    const result = {
      seconds: round(r.seconds, 2),
      file_mb: round(fileBytes / MB, 1),
      bundle_mb: round(r.bytes / MB, 1),
      peak_mb: round((mem.peak.rendererGpu - mem.baseline.rendererGpu) / MB, 1),
      baseline_mb: round(mem.baseline.rendererGpu / MB, 1),
      browser_process_peak_mb: round((mem.peak.browser - mem.baseline.browser) / MB, 1),
      samples: mem.samples,
      context: 'worker' as const,
    };
    say(`converted in ${result.seconds} s; peak +${result.peak_mb} MB (renderer+GPU), browser process +${result.browser_process_peak_mb} MB`);
    return result;
  });
}

// ---------------------------------------------------------------------------------------------
// Ranking

export interface RankInWorkerBenchOptions {
  n: number;
  dim: number;
  quick: boolean;
  limit?: number;
}

/** EmbeddingMatrix.rank top-50 over n random unit vectors, in the bench page's worker. */
export async function rankInWorkerBench(opts: RankInWorkerBenchOptions): Promise<RankResult> {
  return withSession(async (s) => {
    const page = await s.openPage();
    return page.evaluate((a) => window.bench.rank(a), { n: opts.n, dim: opts.dim, quick: opts.quick, limit: opts.limit ?? 50 });
  });
}

// ---------------------------------------------------------------------------------------------
// Indexing

export interface IndexingBenchOptions {
  bundleDir: string;
  photosDir: string;
  provider: Provider;
  quick: boolean;
  /** How many photos (the first, by name); default: 8 when quick, else all. */
  photos?: number;
  /** Also run the app's own worker end to end (default true). */
  app?: boolean;
  threads?: number;
}

export interface IndexingBenchResult {
  photos: number;
  /** The app's inference worker (engine-worker.ts via client.ts): IndexedDB, thumbnails and all. */
  app: { provider: string; load_s: number; photos: number; skipped: number; seconds: number; photos_per_s: number } | null;
  /** The same loop in the bench worker with the same functions, timed per stage. */
  replica: IndexReplicaResult;
  /** App photos/s when measured, else the replica's. */
  photos_per_s: number;
  /** (decode + preprocess) / total, from the replica. */
  decode_share: number;
}

function photoFiles(dir: string, count?: number): string[] {
  const files = readdirSync(dir)
    .filter((f) => /\.(jpe?g|png|webp)$/i.test(f))
    .sort()
    .map((f) => join(dir, f));
  if (!files.length) throw new Error(`no photos in ${dir} (makePhotos first)`);
  return count === undefined ? files : files.slice(0, count);
}

/** Indexes a folder of photos end to end in Chromium; see IndexingBenchResult. */
export async function indexingBench(opts: IndexingBenchOptions): Promise<IndexingBenchResult> {
  const files = photoFiles(opts.photosDir, opts.photos ?? (opts.quick ? 8 : undefined));
  const bundleFiles = readdirSync(opts.bundleDir)
    .map((f) => join(opts.bundleDir, f))
    .filter((f) => statSync(f).isFile());
  return withSession(async (s) => {
    let app: IndexingBenchResult['app'] = null;
    if (opts.app ?? true) {
      const page = await s.openPage();
      await page.setInputFiles('#bundle', bundleFiles);
      await page.setInputFiles('#photos', files);
      say(`indexing ${files.length} photos through the app's worker (${opts.provider})`);
      app = await page.evaluate((p) => window.bench.indexApp(p), opts.provider);
      say(
        `  app: ${app.photos} photos in ${app.seconds.toFixed(1)} s = ${app.photos_per_s.toFixed(2)} /s (model import ${app.load_s.toFixed(1)} s, not counted)`,
      );
      await page.context().close();
    }
    const page = await s.openPage();
    await page.setInputFiles('#photos', files);
    say(`indexing ${files.length} photos with the replicated loop (${opts.provider})`);
    const replica = await page.evaluate((a) => window.bench.indexReplica(a), {
      bundleUrl: s.mount(opts.bundleDir),
      provider: opts.provider,
      batch: 4,
      ...(opts.threads !== undefined ? { threads: opts.threads } : {}),
    });
    return { photos: files.length, app, replica, photos_per_s: app?.photos_per_s ?? replica.photos_per_s, decode_share: replica.decode_share };
  });
}

// ---------------------------------------------------------------------------------------------
// Photos

/** Writes `count` generated 4000 x 3000 JPEGs (quality 90) into `dir` (default paths.photos); existing ones are kept. */
export async function makePhotos(count: number, dir = paths.photos): Promise<{ dir: string; made: number; existing: number }> {
  const sharp = (await import('sharp')).default;
  ensureDir(dir);
  let made = 0,
    existing = 0;
  for (let i = 0; i < count; i++) {
    const file = join(dir, `photo-${String(i + 1).padStart(5, '0')}.jpg`);
    if (existsSync(file) && statSync(file).size > 0) {
      existing++;
      continue;
    }
    const tmp = `${file}.tmp`;
    await sharp(cameraPhotoPixels(i + 1), { raw: { width: CAMERA_WIDTH, height: CAMERA_HEIGHT, channels: 3 } })
      .jpeg({ quality: 90 })
      .toFile(tmp);
    renameSync(tmp, file);
    made++;
  }
  if (made) say(`made ${made} photos in ${dir} (${existing} were there)`);
  return { dir, made, existing };
}

/// <reference lib="webworker" />
// The bench page's worker: everything measured runs here, in a dedicated Web Worker, as the app's
// inference worker runs it (same onnxruntime-web module and set-up — src/worker/ort-setup.ts, which
// sets the WASM thread count — and the same engine code). Bench-only.
import { convertCheckpoint } from '../../src/engine/bundle/convert';
import { urlBundleFiles } from '../../src/engine/bundle/files';
import { BlobBundleOutput } from '../../src/engine/bundle/output';
import { BlobSource } from '../../src/engine/io/source';
import { photosAhead } from '../../src/engine/embed/decode-threads';
import { ImageEmbedder, type PreparedPhoto } from '../../src/engine/embed/image-embedder';
import { sha256Hex } from '../../src/engine/io/sha256';
import { THUMBNAIL_QUALITY, THUMBNAIL_TYPE, thumbnailSize } from '../../src/engine/preprocess/thumbnail';
import { EmbeddingMatrix } from '../../src/engine/rank';
import { ClipEngine } from '../../src/engine/session/clip-engine';
import type { Provider } from '../../src/engine/session/ort';
import { startDecodePool } from '../../src/worker/decode/decode-pool';
import { ort } from '../../src/worker/ort-setup';
import { browserPhotoDecoder, readPixels, type BlobThumbnail } from '../../src/worker/photo-decoder';
import type {
  BenchRequest,
  BenchResults,
  EncoderBenchResult,
  EngineBenchArgs,
  FromWorker,
  ImageFigure,
  IndexReplicaArgs,
  IndexReplicaResult,
  RankArgs,
  RankResult,
  RuntimeInfo,
  TextFigure,
  TorchExportBenchArgs,
} from './protocol';

declare const self: DedicatedWorkerGlobalScope;

const START = 49406;
const END = 49407;

function log(message: string): void {
  const m: FromWorker = { log: message };
  self.postMessage(m);
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

function runtimeInfo(): RuntimeInfo {
  const n = ort.env.wasm.numThreads;
  return {
    crossOriginIsolated: self.crossOriginIsolated,
    hardwareConcurrency: navigator.hardwareConcurrency,
    numThreads: typeof n === 'number' ? n : null,
    ortVersion: ort.env.versions.web ?? 'unknown',
  };
}

function setThreads(threads: number | undefined): void {
  if (threads !== undefined) ort.env.wasm.numThreads = threads;
}

/** Random ids of one query: start, n - 2 ids that are neither start nor end, end. Fresh on every call. */
function randomIds(n: number): Int32Array {
  const ids = new Int32Array(n);
  ids[0] = START;
  for (let i = 1; i < n - 1; i++) ids[i] = 1 + Math.floor(Math.random() * (START - 1));
  ids[n - 1] = END;
  return ids;
}

function randomPixels(count: number, resolution: number): Float32Array {
  const a = new Float32Array(count * 3 * resolution * resolution);
  for (let i = 0; i < a.length; i++) a[i] = Math.random() * 4 - 2;
  return a;
}

async function time(run: () => Promise<unknown>): Promise<number> {
  const t0 = performance.now();
  await run();
  return performance.now() - t0;
}

/**
 * Excluded warm-up: at least two runs and three seconds. Chromium first runs WebAssembly on its
 * baseline compiler and swaps in optimised code while it runs, so the first runs of a fresh
 * session are up to twice as slow; indexing a library runs at the steady state measured here.
 */
async function warmUp(run: () => Promise<unknown>): Promise<void> {
  const start = performance.now();
  for (let i = 0; i < 2 || performance.now() - start < 3000; i++) await run();
}

/** Warm-up runs (excluded), then `runs` measured runs with fresh inputs; seconds per run. */
async function imageFigure(
  batch: number,
  runs: number,
  resolution: number,
  encode: (pixels: Float32Array, n: number) => Promise<unknown>,
): Promise<ImageFigure> {
  try {
    await warmUp(() => encode(randomPixels(batch, resolution), batch));
    const secs: number[] = [];
    for (let r = 0; r < runs; r++) {
      const pixels = randomPixels(batch, resolution);
      secs.push((await time(() => encode(pixels, batch))) / 1000);
    }
    const m = median(secs);
    log(`  image batch ${batch}: ${(batch / m).toFixed(2)} /s (median of ${runs} runs, ${m.toFixed(2)} s per batch)`);
    return { batch, runs, median_s: m, per_s: batch / m };
  } catch (e) {
    log(`  image batch ${batch}: failed: ${(e as Error).message}`);
    return { batch, runs: 0, median_s: NaN, per_s: null, error: (e as Error).message };
  }
}

async function textFigure(tokens: number, runs: number, encode: (ids: Int32Array) => Promise<unknown>): Promise<TextFigure> {
  try {
    await warmUp(() => encode(randomIds(tokens)));
    const ms: number[] = [];
    for (let r = 0; r < runs; r++) {
      const ids = randomIds(tokens);
      ms.push(await time(() => encode(ids)));
    }
    log(`  text ${tokens} tokens: ${median(ms).toFixed(1)} ms (median of ${runs})`);
    return { tokens, runs, median_ms: median(ms), min_ms: Math.min(...ms) };
  } catch (e) {
    log(`  text ${tokens} tokens: failed: ${(e as Error).message}`);
    return { tokens, runs: 0, median_ms: null, min_ms: null, error: (e as Error).message };
  }
}

function imageRuns(batch: number, quick: boolean, provider: Provider): number {
  if (provider === 'webgpu') return batch === 1 ? (quick ? 2 : 4) : quick ? 1 : 2;
  return batch === 1 ? (quick ? 3 : 6) : quick ? 2 : 4;
}

async function shaderF16(provider: Provider): Promise<boolean> {
  if (provider !== 'webgpu') return false;
  const adapter = await (navigator as Navigator & { gpu?: GPU }).gpu?.requestAdapter();
  return adapter?.features.has('shader-f16') ?? false;
}

async function engineBench(args: EngineBenchArgs): Promise<EncoderBenchResult> {
  setThreads(args.threads);
  const t0 = performance.now();
  const engine = await ClipEngine.load(ort, urlBundleFiles(new URL(args.bundleUrl, self.location.href).href), {
    provider: args.provider,
    shaderF16: (args.shaderF16 ?? true) && (await shaderF16(args.provider)),
    ...(args.fusedOps !== undefined ? { fusedOps: args.fusedOps } : {}),
  });
  const load_s = (performance.now() - t0) / 1000;
  log(`engine loaded on ${engine.provider} (compute ${engine.compute}) in ${load_s.toFixed(1)} s, ${runtimeInfo().numThreads} WASM thread(s)`);
  try {
    const image: ImageFigure[] = [];
    for (const b of args.batches)
      image.push(await imageFigure(b, imageRuns(b, args.quick, args.provider), engine.resolution, (p, n) => engine.encodeImages(p, n)));
    const text: TextFigure[] = [];
    for (const n of args.textLengths) text.push(await textFigure(n, args.quick ? 3 : 7, (ids) => engine.encodeTokenIds([ids])));
    return { ...runtimeInfo(), provider: `${engine.provider}/${engine.compute}`, load_s, image, text, context: 'worker' };
  } finally {
    await engine.release();
  }
}

async function fetchBytes(url: string): Promise<Uint8Array> {
  const res = await fetch(url);
  if (!res.ok) throw new Error(`${url}: HTTP ${res.status}`);
  return new Uint8Array(await res.arrayBuffer());
}

/** The torch.onnx.export graphs on onnxruntime-web WASM (the peer route). */
async function torchExportBench(args: TorchExportBenchArgs): Promise<EncoderBenchResult> {
  setThreads(args.threads);
  const base = new URL(args.baseUrl, self.location.href).href;
  const t0 = performance.now();
  const create = async (graph: string, data: string[]) => {
    const externalData = await Promise.all(data.map(async (path) => ({ path, data: await fetchBytes(new URL(path, base).href) })));
    return ort.InferenceSession.create(await fetchBytes(new URL(graph, base).href), {
      executionProviders: ['wasm'],
      graphOptimizationLevel: 'all',
      ...(externalData.length ? { externalData } : {}),
    });
  };
  const text = await create('text.onnx', args.textData);
  const image = await create('image.onnx', args.imageData);
  const load_s = (performance.now() - t0) / 1000;
  const inputs = {
    image: `${image.inputNames.join(',')} -> ${image.outputNames.join(',')}`,
    text: `${text.inputNames.join(',')} -> ${text.outputNames.join(',')}`,
  };
  log(`torch export loaded in ${load_s.toFixed(1)} s (${inputs.image}; ${inputs.text}), ${runtimeInfo().numThreads} WASM thread(s)`);
  const imageIn = image.inputNames[0]!;
  const textIn = text.inputNames[0]!;
  const resolution = 224;
  try {
    const imageFigures: ImageFigure[] = [];
    for (const b of args.batches) {
      imageFigures.push(
        await imageFigure(b, imageRuns(b, args.quick, 'wasm'), resolution, async (pixels, n) => {
          const out = await image.run({ [imageIn]: new ort.Tensor('float32', pixels, [n, 3, resolution, resolution]) });
          return out[image.outputNames[0]!]!.data;
        }),
      );
    }
    const textFigures: TextFigure[] = [];
    for (const n of args.textLengths) {
      textFigures.push(
        await textFigure(n, args.quick ? 3 : 7, async (ids) => {
          const out = await text.run({
            [textIn]: new ort.Tensor(
              'int64',
              BigInt64Array.from(ids, (v) => BigInt(v)),
              [1, ids.length],
            ),
          });
          return out[text.outputNames[0]!]!.data;
        }),
      );
    }
    return { ...runtimeInfo(), provider: 'wasm', load_s, image: imageFigures, text: textFigures, context: 'worker', inputs };
  } finally {
    await text.release();
    await image.release();
  }
}

/** Top-k ranking over a filled EmbeddingMatrix, as the app's worker ranks. */
function rankBench(args: RankArgs): RankResult {
  const { n, dim, limit } = args;
  const t0 = performance.now();
  const m = new EmbeddingMatrix(dim, n);
  const v = new Float32Array(dim);
  for (let r = 0; r < n; r++) {
    for (let k = 0; k < dim; k++) v[k] = Math.random() - 0.5;
    m.add(r.toString(36), v);
  }
  const fill_s = (performance.now() - t0) / 1000;
  const query = () => Float32Array.from({ length: dim }, () => Math.random() - 0.5);
  for (let w = 0; w < 3; w++) m.rank(query(), limit);
  const runs = args.quick ? 10 : 30;
  const ms: number[] = [];
  for (let r = 0; r < runs; r++) {
    const q = query();
    const s = performance.now();
    const top = m.rank(q, limit);
    ms.push(performance.now() - s);
    if (top.length !== Math.min(limit, n)) throw new Error(`rank gave ${top.length} results`);
  }
  log(`  rank ${n} x ${dim} top-${limit}: ${median(ms).toFixed(2)} ms (median of ${runs}; fill ${fill_s.toFixed(1)} s)`);
  return { n, dim, limit, runs, fill_s, median_ms: median(ms), min_ms: Math.min(...ms), max_ms: Math.max(...ms), context: 'worker' };
}

/**
 * Where the browser decoder's time goes, step by step (its own steps, redone here on a few photos after
 * the timed loop; medians in ms): createImageBitmap, reading the pixels (the app's VideoFrame
 * copy, and the canvas drawImage + getImageData it replaced), the thumbnail.
 */
async function decodeBreakdown(files: File[]): Promise<IndexReplicaResult['decode_breakdown_ms']> {
  const bitmap: number[] = [],
    pixels: number[] = [],
    canvas: number[] = [],
    thumbnail: number[] = [];
  for (const file of files) {
    let t = performance.now();
    const bmp = await createImageBitmap(file, { colorSpaceConversion: 'none', premultiplyAlpha: 'none' });
    bitmap.push(performance.now() - t);
    t = performance.now();
    await readPixels(bmp, 'video-frame');
    pixels.push(performance.now() - t);
    t = performance.now();
    await readPixels(bmp, 'canvas');
    canvas.push(performance.now() - t);
    t = performance.now();
    const size = thumbnailSize(bmp.width, bmp.height);
    const thumb = new OffscreenCanvas(size.width, size.height);
    const tctx = thumb.getContext('2d')!;
    tctx.imageSmoothingQuality = 'high';
    tctx.drawImage(bmp, 0, 0, thumb.width, thumb.height);
    await thumb.convertToBlob({ type: THUMBNAIL_TYPE, quality: THUMBNAIL_QUALITY });
    thumbnail.push(performance.now() - t);
    bmp.close();
  }
  return {
    photos: files.length,
    create_image_bitmap: median(bitmap),
    read_pixels_video_frame: median(pixels),
    read_pixels_canvas: median(canvas),
    thumbnail: median(thumbnail),
  };
}

/**
 * The app's indexing loop (src/worker/indexer.ts) with the same code — read, SHA-256, photos
 * prepared in the app's decode pool (decode at reduced scale, preprocess, thumbnail) as many
 * ahead as the app keeps, taken in order into the image embedder's batches, the encoder,
 * normalising — timed stage by stage; no IndexedDB writes. `decode_share` is the share of the
 * time the loop stood waiting for a prepared photo: the decoding the pool did not hide.
 */
async function indexReplica(args: IndexReplicaArgs): Promise<IndexReplicaResult> {
  setThreads(args.threads);
  const engine = await ClipEngine.load(ort, urlBundleFiles(new URL(args.bundleUrl, self.location.href).href), {
    provider: args.provider,
    shaderF16: await shaderF16(args.provider),
  });
  const pool = startDecodePool(engine.manifest, args.provider === 'webgpu' ? null : (ort.env.wasm.numThreads ?? 1));
  try {
    // Warm-up: the first run of a batch shape is not indexing.
    await engine.encodeImages(randomPixels(args.batch, engine.resolution), args.batch);
    let hash_s = 0,
      wait_s = 0,
      encode_s = 0;
    const embedder = new ImageEmbedder(engine.manifest, (pixels, n) => engine.encodeImages(pixels, n), browserPhotoDecoder, {
      batchSize: args.batch,
      preparer: pool,
    });
    const ahead = photosAhead(pool.size);
    const inFlight: Promise<PreparedPhoto<BlobThumbnail>>[] = [];
    let photos = 0;
    const embed = async () => {
      const t = performance.now();
      photos += (await embedder.embed()).length;
      encode_s += (performance.now() - t) / 1000;
    };
    const take = async () => {
      const t = performance.now();
      const photo = await inFlight.shift()!;
      wait_s += (performance.now() - t) / 1000;
      embedder.addPrepared(photo, null);
      if (embedder.full) await embed();
    };
    const started = performance.now();
    for (const { file } of args.files) {
      const t = performance.now();
      const bytes = new Uint8Array(await file.arrayBuffer());
      await sha256Hex(bytes);
      hash_s += (performance.now() - t) / 1000;
      inFlight.push(embedder.prepare(bytes, file.type));
      while (inFlight.length >= ahead) await take();
    }
    while (inFlight.length) await take();
    await embed();
    const seconds = (performance.now() - started) / 1000;
    const decode_breakdown_ms = await decodeBreakdown(args.files.slice(0, 2).map((f) => f.file));
    const result = {
      ...runtimeInfo(),
      photos,
      seconds,
      photos_per_s: photos / seconds,
      decode_threads: pool.size,
      hash_s,
      wait_s,
      encode_s,
      decode_share: wait_s / seconds,
      decode_breakdown_ms,
    };
    log(
      `  replica: ${result.photos} photos, ${result.photos_per_s.toFixed(2)} /s with ${pool.size} decode workers; waiting for decoding ${wait_s.toFixed(1)} s, encode ${encode_s.toFixed(1)} s, hash ${hash_s.toFixed(1)} s`,
    );
    return result;
  } finally {
    pool.close();
    await engine.release();
  }
}

async function handle(req: BenchRequest): Promise<BenchResults[BenchRequest['type']]> {
  switch (req.type) {
    case 'info':
      return runtimeInfo();
    case 'engine':
      return engineBench(req.args);
    case 'torch-export':
      return torchExportBench(req.args);
    case 'convert': {
      const { checkpoint, merges, dtype } = req.args;
      const out = new BlobBundleOutput();
      const t0 = performance.now();
      await convertCheckpoint(new BlobSource(checkpoint), merges, out, { dtype });
      const seconds = (performance.now() - t0) / 1000;
      const bytes = [...out.files.values()].reduce((n, b) => n + b.size, 0);
      return { seconds, bytes };
    }
    case 'rank':
      return rankBench(req.args);
    case 'index-replica':
      return indexReplica(req.args);
  }
}

async function onMessage(event: MessageEvent<{ id: number; request: BenchRequest }>): Promise<void> {
  const { id, request } = event.data;
  let reply: FromWorker;
  try {
    reply = { id, ok: true, value: await handle(request) };
  } catch (e) {
    reply = { id, ok: false, error: e instanceof Error ? `${e.message}\n${e.stack ?? ''}` : String(e) };
  }
  self.postMessage(reply);
}

self.addEventListener('message', (event: MessageEvent<{ id: number; request: BenchRequest }>) => void onMessage(event));

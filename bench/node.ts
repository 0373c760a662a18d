/**
 * The benchmark's Node side: converting in a child process (time, peak memory), onnxruntime-node
 * on a bundle's or a torch export's graphs, this engine in Node (onnxruntime-web WASM, one
 * thread), and ranking. Every function returns plain JSON-able numbers.
 *
 * Also a command line, to run one part in a process of its own:
 *   node --import tsx bench/node.ts convert <checkpoint> <outDir> fp32|fp16
 *   node --import tsx bench/node.ts ort <bundle or export dir> [--quick]
 *   node --import tsx bench/node.ts engine <bundle dir> [--quick]
 *   node --import tsx bench/node.ts rank [--quick]
 * prints the result as one JSON line on stdout.
 */
import { spawn } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import { EmbeddingMatrix } from '../src/engine/rank';
import { mergesFile, repoRoot } from './lib/paths';
import { MB, MemorySampler } from './lib/procmem';
import { TEXT_LENGTHS } from './lib/shapes';
import { median, min, round, seededRandom, timeRuns } from './lib/stats';

// ---------------------------------------------------------------------------------------------
// Converting

export interface ConvertResult {
  /** Wall time of the whole `npm run convert` process (Node and tsx start-up included). */
  seconds: number;
  /** From the converter's first progress line (the first 8 MB hashed) to its last ("wrote ..."). */
  conversionSeconds: number;
  /** Peak resident size minus the resident size when the conversion began, MB (2^20 bytes). */
  peakMb: number;
  /** The resident size when the conversion began, MB. */
  baselineMb: number;
  /** The checkpoint's size, MB. */
  checkpointMb: number;
}

/**
 * Runs the converter CLI (src/cli/convert.ts) as a child process and samples its /proc status
 * every 50 ms. "Before" is its resident size at its first progress line: the process has
 * started and loaded every module and has read only the first 8 MB chunk of the checkpoint
 * (hashing). The peak is its high-water mark (VmHWM) when that rose during the conversion,
 * else the largest resident size sampled after the marker.
 */
export function convertInNode(checkpoint: string, outDir: string, dtype: 'fp32' | 'fp16' | 'int8'): Promise<ConvertResult> {
  const checkpointMb = statSync(checkpoint).size / MB;
  return new Promise((done, fail) => {
    const started = performance.now();
    // `node --import tsx` (not npx tsx, which runs the script in a grandchild): the pid sampled
    // is the converter's.
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'src/cli/convert.ts'), resolve(checkpoint), '--vocab', mergesFile, '--out', resolve(outDir), '--dtype', dtype],
      { cwd: repoRoot, stdio: ['ignore', 'ignore', 'pipe'] },
    );
    let before: { rss: number; hwm: number; at: number } | null = null;
    let afterPeakRss = 0;
    let finished: { hwm: number; at: number } | null = null;
    const sampler = new MemorySampler(child.pid!, 50, (m) => {
      if (before) afterPeakRss = Math.max(afterPeakRss, m.rss);
    });
    const sampleAfter = () => sampler.sample();
    let stderr = '';
    let pending = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => {
      stderr = (stderr + chunk).slice(-4000);
      pending += chunk;
      let nl: number;
      while ((nl = pending.indexOf('\n')) >= 0) {
        const line = pending.slice(0, nl);
        pending = pending.slice(nl + 1);
        const m = sampleAfter();
        if (!before && m) before = { rss: m.rss, hwm: m.hwm, at: performance.now() };
        if (line.startsWith('wrote ') && m) finished = { hwm: m.hwm, at: performance.now() };
      }
    });
    child.on('error', (e) => {
      sampler.stop();
      fail(e);
    });
    child.on('exit', (code) => {
      sampler.stop();
      const seconds = (performance.now() - started) / 1000;
      if (code !== 0) return fail(new Error(`convert exited with ${code}: ${stderr.trim().split('\n').slice(-3).join(' | ')}`));
      const b = before;
      const f = finished;
      if (!b || !f) return fail(new Error(`could not sample the converter's memory (no /proc?): ${stderr.trim()}`));
      // The high-water mark covers spikes between samples, but also start-up: use it only
      // where it rose after the marker.
      const peak = f.hwm > b.hwm ? f.hwm : Math.max(afterPeakRss, b.rss);
      done({
        seconds: round(seconds, 2),
        conversionSeconds: round((f.at - b.at) / 1000, 2),
        peakMb: round((peak - b.rss) / MB, 1),
        baselineMb: round(b.rss / MB, 1),
        checkpointMb: round(checkpointMb, 1),
      });
    });
  });
}

// ---------------------------------------------------------------------------------------------
// Encoders: onnxruntime-node and this engine

export interface EncoderBench {
  /** Images per second at batch 1 and 8 (null where the graph's batch is fixed). */
  imagesPerSecond: { batch1: number; batch8: number | null };
  /** One text query's latency, ms, by token count (start and end included). */
  textMs: Record<string, number>;
  /** How many measured runs each figure is the median of. */
  runs: { image1: number; image8: number; text: number };
  /** What ran: runtime, threads, the graphs' input names and types. */
  info: Record<string, string | number>;
}

const START = 49406;
const END = 49407;
const CLIP_MEAN = [0.48145466, 0.4578275, 0.40821073];
const CLIP_STD = [0.26862954, 0.26130258, 0.27577711];

/** Start, random ids (never start or end: the text tower pools at the largest id), end. */
function randomIds(length: number, random: () => number): number[] {
  const ids = [START];
  for (let i = 1; i < length - 1; i++) ids.push(1 + Math.floor(random() * (START - 1)));
  ids.push(END);
  return ids;
}

/** `count` images of random pixels in [0, 1], normalised with CLIP's mean and std. */
function randomPixels(count: number, resolution: number, random: () => number): Float32Array {
  const plane = resolution * resolution;
  const out = new Float32Array(count * 3 * plane);
  for (let i = 0; i < out.length; i++) {
    const c = Math.floor(i / plane) % 3;
    out[i] = (random() - CLIP_MEAN[c]!) / CLIP_STD[c]!;
  }
  return out;
}

function repetitions(quick: boolean) {
  return quick ? { image1: 3, image8: 2, text: 5 } : { image1: 7, image8: 3, text: 11 };
}

/** The image resolution and context length of a folder: its manifest.json where there is one. */
function folderShape(dir: string): { resolution: number | null; contextLength: number | null } {
  const manifest = join(dir, 'manifest.json');
  if (!existsSync(manifest)) return { resolution: null, contextLength: null };
  const m = JSON.parse(readFileSync(manifest, 'utf8')) as { resolution?: number; contextLength?: number };
  return { resolution: m.resolution ?? null, contextLength: m.contextLength ?? null };
}

interface Runner {
  image(pixels: Float32Array, count: number): Promise<unknown>;
  text(ids: number[]): Promise<unknown>;
  resolution: number;
  /** The largest text length the graph takes. */
  contextLength: number;
  batch8: boolean;
}

async function measureEncoders(runner: Runner, quick: boolean): Promise<Omit<EncoderBench, 'info'>> {
  const reps = repetitions(quick);
  const random = seededRandom(4);
  const px1 = randomPixels(1, runner.resolution, random);
  const px8 = runner.batch8 ? randomPixels(8, runner.resolution, random) : null;
  const image1 = await timeRuns(reps.image1, () => runner.image(px1, 1), 1);
  const image8 = px8 ? await timeRuns(reps.image8, () => runner.image(px8, 8), 1) : null;
  const textMs: Record<string, number> = {};
  for (const length of TEXT_LENGTHS) {
    if (length > runner.contextLength) continue;
    // Distinct ids on every run, the warm-up included: nothing is reused between runs.
    const inputs = Array.from({ length: reps.text + 1 }, () => randomIds(length, random));
    const times = await timeRuns(reps.text, (i) => runner.text(inputs[i < 0 ? reps.text : i]!), 1);
    textMs[String(length)] = round(median(times), 1);
  }
  return {
    imagesPerSecond: {
      batch1: round(1000 / median(image1), 3),
      batch8: image8 ? round((8 * 1000) / median(image8), 3) : null,
    },
    textMs,
    runs: { image1: reps.image1, image8: image8 ? reps.image8 : 0, text: reps.text },
  };
}

/**
 * onnxruntime-node (CPU, all cores) on a folder's `text.onnx` and `image.onnx`: this engine's
 * bundle (int32 ids of any length, weights in `*.onnx.data` beside them) or a torch export
 * (int64 `input_ids`, perhaps padded to a fixed 248). Inputs, their types and fixed sizes are
 * read from the sessions.
 */
export async function ortNodeBench(dir: string, quick: boolean): Promise<EncoderBench> {
  const mod = await import('onnxruntime-node');
  // CommonJS: its exports are the namespace's or its default's, depending on the loader.
  const ort = 'InferenceSession' in mod ? mod : (mod as { default: typeof mod }).default;
  const threads = availableParallelism();
  const options = { executionProviders: ['cpu'], graphOptimizationLevel: 'all', intraOpNumThreads: threads, interOpNumThreads: 1 } as const;
  // By path, so ORT finds the external weights next to each graph.
  const text = await ort.InferenceSession.create(join(dir, 'text.onnx'), options);
  const image = await ort.InferenceSession.create(join(dir, 'image.onnx'), options);
  try {
    const tensorMeta = (session: typeof text) => {
      const meta = session.inputMetadata[0];
      if (!meta || !meta.isTensor) throw new Error(`${dir}: a graph's first input is not a tensor`);
      if (session.inputMetadata.length !== 1) throw new Error(`${dir}: expected graphs with one input, found ${session.inputNames.join(', ')}`);
      return meta;
    };
    const textIn = tensorMeta(text);
    const imageIn = tensorMeta(image);
    const fixed = (d: number | string | undefined) => (typeof d === 'number' && d > 0 ? d : null);
    const shape = folderShape(dir);
    const textLength = fixed(textIn.shape[1]); // padded to this length (the official tokenize) when fixed
    const resolution = fixed(imageIn.shape[3]) ?? shape.resolution ?? 224;
    const batchFixed = fixed(imageIn.shape[0]);
    const textType = textIn.type;
    if (textType !== 'int32' && textType !== 'int64') throw new Error(`${dir}: text input of type ${textType}`);

    const runner: Runner = {
      resolution,
      contextLength: textLength ?? shape.contextLength ?? 248,
      batch8: batchFixed === null || batchFixed === 8,
      image: (pixels, count) => image.run({ [imageIn.name]: new ort.Tensor('float32', pixels, [count, 3, resolution, resolution]) }),
      text: (ids) => {
        const n = textLength ?? ids.length;
        const data = textType === 'int64' ? new BigInt64Array(n) : new Int32Array(n);
        ids.forEach((id, i) => (data[i] = textType === 'int64' ? BigInt(id) : id));
        return text.run({ [textIn.name]: new ort.Tensor(textType, data, [1, n]) });
      },
    };
    const figures = await measureEncoders(runner, quick);
    return {
      ...figures,
      info: {
        runtime: `onnxruntime-node ${ort.env.versions?.common ?? ''} cpu`.trim(),
        threads,
        textInput: `${textIn.name} ${textType} [${textIn.shape.join(', ')}]`,
        imageInput: `${imageIn.name} float32 [${imageIn.shape.join(', ')}]`,
      },
    };
  } finally {
    await text.release();
    await image.release();
  }
}

/** This engine in Node: a bundle on onnxruntime-web's WASM backend, one thread (src/cli/node-engine.ts). */
export async function engineNodeBench(bundleDir: string, quick: boolean): Promise<EncoderBench> {
  const { loadNodeEngine } = await import('../src/cli/node-engine');
  const engine = await loadNodeEngine(bundleDir, { device: 'wasm' });
  try {
    const runner: Runner = {
      resolution: engine.resolution,
      contextLength: engine.manifest.contextLength,
      batch8: true,
      image: (pixels, count) => engine.encodeImages(pixels, count),
      text: (ids) => engine.encodeTokenIds([Int32Array.from(ids)]),
    };
    const figures = await measureEncoders(runner, quick);
    return {
      ...figures,
      info: { runtime: 'onnxruntime-web wasm (this engine, Node)', threads: 1, dtype: engine.manifest.dtype },
    };
  } finally {
    await engine.release();
  }
}

// ---------------------------------------------------------------------------------------------
// Ranking

export interface RankResult {
  rows: number;
  dim: number;
  top: number;
  /** Median of the measured queries, ms. */
  medianMs: number;
  minMs: number;
  queries: number;
}

/**
 * `EmbeddingMatrix.rank(query, 50)` over random unit vectors: 10k, 100k and 1M rows of 512 and
 * 768 dims (quick: 100k only). Building the matrix is not timed; each figure is the median of
 * distinct random queries, after two unmeasured ones.
 */
export async function rankBench(quick: boolean): Promise<RankResult[]> {
  const sizes = quick ? [100_000] : [10_000, 100_000, 1_000_000];
  const out: RankResult[] = [];
  const top = 50;
  for (const dim of [512, 768]) {
    for (const rows of sizes) {
      const random = seededRandom(rows + dim);
      let matrix: EmbeddingMatrix | null = new EmbeddingMatrix(dim, rows);
      const v = new Float32Array(dim);
      for (let r = 0; r < rows; r++) {
        for (let k = 0; k < dim; k++) v[k] = random() - 0.5;
        matrix.add(`photo-${r}`, v);
      }
      const queries = rows >= 1_000_000 ? 7 : 15;
      const qs = Array.from({ length: queries + 2 }, () => Float32Array.from({ length: dim }, () => random() - 0.5));
      const m = matrix;
      const times = await timeRuns(queries, (i) => m.rank(qs[i < 0 ? queries - i - 1 : i]!, top), 2);
      out.push({ rows, dim, top, medianMs: round(median(times), 2), minMs: round(min(times), 2), queries });
      matrix = null; // let the 1M x 768 rows (3 GB) go before the next
    }
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Command line

async function main(argv: string[]): Promise<unknown> {
  const quick = argv.includes('--quick');
  const args = argv.filter((a) => a !== '--quick');
  const [what, ...rest] = args;
  switch (what) {
    case 'convert': {
      const [checkpoint, outDir, dtype = 'fp32'] = rest;
      if (!checkpoint || !outDir || (dtype !== 'fp32' && dtype !== 'fp16' && dtype !== 'int8')) break;
      return convertInNode(checkpoint, outDir, dtype);
    }
    case 'ort':
      if (rest[0]) return ortNodeBench(rest[0], quick);
      break;
    case 'engine':
      if (rest[0]) return engineNodeBench(rest[0], quick);
      break;
    case 'rank':
      return rankBench(quick);
    case undefined:
      break;
  }
  throw new Error(
    'usage: node --import tsx bench/node.ts convert <checkpoint> <outDir> fp32|fp16 | ort <dir> [--quick] | engine <bundle> [--quick] | rank [--quick]',
  );
}

if (process.argv[1] && import.meta.url === pathToFileURL(resolve(process.argv[1])).href) {
  main(process.argv.slice(2)).then(
    (result) => {
      process.stdout.write(`${JSON.stringify(result)}\n`);
      process.exit(0);
    },
    (e: unknown) => {
      process.stderr.write(`error: ${e instanceof Error ? e.message : String(e)}\n`);
      process.exit(1);
    },
  );
}

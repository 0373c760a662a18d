// npm run bench [-- --quick]: every figure of issue 4 side by side, in one run on one machine.
// Progress and the report go to stderr; the last stdout line is one JSON object.
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { join } from 'node:path';
import { convertInBrowser, engineBrowserBench, indexingBench, makePhotos, rankInWorkerBench, torchExportBrowserBench } from './browser';
import { paths, repoRoot, type Shape } from './lib/paths';
import { indexCliBench } from './index-cli';
import { libraryScaleBench } from './library-scale';
import { round } from './lib/stats';
import { convertInNode, engineNodeBench, ortNodeBench, rankBench } from './node';
import { benchPytorch, exportTorchOnnx, makeCheckpoint } from './pytorch';

const quick = process.argv.includes('--quick');
const shapes: Shape[] = quick ? ['B'] : ['B', 'L'];
const results: Record<string, unknown> = {
  machine: { cores: cpus().length, cpu: cpus()[0]?.model ?? '?', node: process.version },
  quick,
  started: new Date().toISOString(),
};
const errors: Record<string, string> = {};
const resultsDir = join(repoRoot, 'bench', 'results');
const resultsFile = join(resultsDir, `${quick ? 'quick' : 'full'}-latest.json`);
mkdirSync(resultsDir, { recursive: true });

/** Written after every section, so an interrupted run keeps what it measured. */
function save(): void {
  writeFileSync(resultsFile, JSON.stringify({ ...results, errors }, null, 2));
}

function say(line: string): void {
  process.stderr.write(`bench: ${line}\n`);
}

/** Runs one section; a failure is reported and the others still run. */
async function section<T>(name: string, run: () => Promise<T>): Promise<T | null> {
  const t0 = performance.now();
  say(`${name} ...`);
  try {
    const value = await run();
    results[name] = value;
    say(`${name} done in ${((performance.now() - t0) / 1000).toFixed(0)} s`);
    return value;
  } catch (e) {
    errors[name] = (e as Error).message.split('\n')[0]!;
    say(`${name} FAILED: ${errors[name]}`);
    return null;
  } finally {
    save();
  }
}

for (const s of shapes) await section(`checkpoint_${s}`, () => makeCheckpoint(s));
const convertNode: Partial<Record<Shape, Awaited<ReturnType<typeof convertInNode>>>> = {};
for (const s of shapes) {
  const r = await section(`convert_node_${s}`, () => convertInNode(paths.checkpoint(s), paths.bundle(s, 'fp32'), 'fp32'));
  if (r) convertNode[s] = r;
}
// The int8 option (DynamicQuantizeMatMul on WASM): converted in Node, measured beside float32.
await section('convert_node_B_int8', () => convertInNode(paths.checkpoint('B'), paths.bundle('B', 'int8'), 'int8'));
const convertChromium: Partial<Record<Shape, Awaited<ReturnType<typeof convertInBrowser>>>> = {};
for (const s of shapes) {
  const r = await section(`convert_chromium_${s}`, () => convertInBrowser({ checkpoint: paths.checkpoint(s), dtype: 'fp32' }));
  if (r) convertChromium[s] = r;
}
for (const s of shapes) await section(`torch_export_${s}`, () => exportTorchOnnx(s));

const pytorch = await section('pytorch_B', () => benchPytorch('B', quick));
const pytorchPlain = await section('pytorch_B_plain', () => benchPytorch('B', quick, true));
const ortNode = await section('ort_node_B', () => ortNodeBench(paths.bundle('B', 'fp32'), quick));
await section('ort_node_torch_export_B', () => ortNodeBench(paths.torchExport('B'), quick));
const wasm = await section('engine_chromium_wasm_B', () => engineBrowserBench({ bundleDir: paths.bundle('B', 'fp32'), provider: 'wasm', quick }));
const wasmInt8 = await section('engine_chromium_wasm_B_int8', () => engineBrowserBench({ bundleDir: paths.bundle('B', 'int8'), provider: 'wasm', quick }));
const torchExport = await section('torch_export_chromium_wasm_B', () => torchExportBrowserBench({ exportDir: paths.torchExport('B'), quick }));
if (!quick) {
  await section('engine_node_wasm_B', () => engineNodeBench(paths.bundle('B', 'fp32'), quick));
  // SwiftShader runs WebGPU on the CPU (over a minute per B image): this shows correctness and
  // overhead, not GPU speed, so it gets the fewest runs.
  await section('engine_chromium_webgpu_B', () =>
    engineBrowserBench({ bundleDir: paths.bundle('B', 'fp32'), provider: 'webgpu', quick: true, batches: [1], textLengths: [20] }),
  );
  await section('pytorch_L', () => benchPytorch('L', quick));
  await section('ort_node_L', () => ortNodeBench(paths.bundle('L', 'fp32'), quick));
  await section('engine_chromium_wasm_L', () =>
    engineBrowserBench({ bundleDir: paths.bundle('L', 'fp32'), provider: 'wasm', quick, batches: [1, 8], textLengths: [40, 248] }),
  );
}
const rankWorker = await section('rank_chromium_worker', async () => {
  const out: Record<string, unknown> = {};
  for (const dim of [512, 768]) out[`100k_${dim}`] = await rankInWorkerBench({ n: 100_000, dim, quick });
  return out as Record<string, { median_ms: number }>;
});
await section('rank_node', () => rankBench(quick));
await section('photos', () => makePhotos(quick ? 8 : 16));
const indexing = await section('indexing_chromium_wasm_B', () =>
  indexingBench({ bundleDir: paths.bundle('B', 'fp32'), photosDir: paths.photos, provider: 'wasm', quick, photos: quick ? 8 : 16, app: !quick }),
);
const indexingInt8 = await section('indexing_chromium_wasm_B_int8', () =>
  indexingBench({ bundleDir: paths.bundle('B', 'int8'), photosDir: paths.photos, provider: 'wasm', quick, photos: quick ? 8 : 16, app: false }),
);

// npm run index (native) against the official PyTorch pipeline, on the same 64 photos.
await section('photos_64', () => makePhotos(64));
const indexCli = await section('index_cli_vs_pytorch_B', () =>
  indexCliBench({ bundleDir: paths.bundle('B', 'fp32'), checkpoint: paths.checkpoint('B'), photosDir: paths.photos, photos: 64 }),
);

// A 300k-photo library in the built app (library-scale.ts): import, search, re-rank, start-up, memory.
const library = await section('library_300k_chromium_wasm_B', () =>
  libraryScaleBench({ bundleDir: paths.bundle('B', 'fp32'), photosDir: paths.photos, queries: quick ? 20 : 40 }),
);

const bestOf = (...xs: (number | null | undefined)[]) => {
  const v = xs.filter((x): x is number => typeof x === 'number' && Number.isFinite(x));
  return v.length ? Math.max(...v) : null;
};
const summary = {
  image_per_s_wasm_chromium: wasm?.image_per_s_best ?? null,
  image_per_s_torch_export_chromium: torchExport?.image_per_s_best ?? null,
  image_per_s_pytorch: bestOf(pytorch?.image_per_s_b1, pytorch?.image_per_s_b8),
  image_per_s_pytorch_plain: bestOf(pytorchPlain?.image_per_s_b1, pytorchPlain?.image_per_s_b8),
  image_per_s_ort_node: bestOf(ortNode?.imagesPerSecond.batch1, ortNode?.imagesPerSecond.batch8),
  text_ms_40_wasm_chromium: wasm?.text_ms['40'] ?? null,
  text_ms_248_wasm_chromium: wasm?.text_ms['248'] ?? null,
  rank_100k_ms: rankWorker?.['100k_512']?.median_ms ?? null,
  convert_b_s: convertChromium.B?.seconds ?? null,
  convert_b_peak_mb: convertChromium.B?.peak_mb ?? null,
  decode_share: indexing?.decode_share ?? null,
  image_per_s_wasm_chromium_int8: wasmInt8?.image_per_s_best ?? null,
  text_ms_40_wasm_chromium_int8: wasmInt8?.text_ms['40'] ?? null,
  text_ms_248_wasm_chromium_int8: wasmInt8?.text_ms['248'] ?? null,
  indexing_photos_per_s: indexing?.photos_per_s ?? null,
  indexing_photos_per_s_int8: indexingInt8?.photos_per_s ?? null,
  decode_share_int8: indexingInt8?.decode_share ?? null,
  search_300k_ms: library?.search_300k_ms ?? null,
  rerank_300k_ms: library?.rerank_300k_ms ?? null,
  startup_300k_s: library?.startup_300k_s ?? null,
  import_300k_s: library?.import_300k_s ?? null,
  worker_mb_300k: library?.worker_mb_300k ?? null,
  index_cli_per_s: indexCli?.index_cli_per_s ?? null,
  index_pytorch_per_s: indexCli?.index_pytorch_per_s ?? null,
};
const ratio = (a: number | null, b: number | null) => (a !== null && b ? round(a / b, 2) : null);
const ratios = {
  wasm_vs_torch_export: ratio(summary.image_per_s_wasm_chromium, summary.image_per_s_torch_export_chromium),
  wasm_vs_pytorch: ratio(summary.image_per_s_wasm_chromium, summary.image_per_s_pytorch),
  wasm_vs_pytorch_plain: ratio(summary.image_per_s_wasm_chromium, summary.image_per_s_pytorch_plain),
  wasm_vs_ort_node: ratio(summary.image_per_s_wasm_chromium, summary.image_per_s_ort_node),
  text_40_vs_248: ratio(summary.text_ms_40_wasm_chromium, summary.text_ms_248_wasm_chromium),
  int8_vs_torch_export: ratio(summary.image_per_s_wasm_chromium_int8, summary.image_per_s_torch_export_chromium),
  int8_vs_pytorch: ratio(summary.image_per_s_wasm_chromium_int8, summary.image_per_s_pytorch),
  int8_vs_pytorch_plain: ratio(summary.image_per_s_wasm_chromium_int8, summary.image_per_s_pytorch_plain),
  int8_vs_ort_node: ratio(summary.image_per_s_wasm_chromium_int8, summary.image_per_s_ort_node),
  int8_text_40_vs_248: ratio(summary.text_ms_40_wasm_chromium_int8, summary.text_ms_248_wasm_chromium_int8),
  index_cli_vs_pytorch: ratio(summary.index_cli_per_s, summary.index_pytorch_per_s),
};
results.summary = summary;
results.ratios = ratios;
results.errors = errors;
results.convert_node = convertNode;

save();
say(`summary: ${JSON.stringify(summary)}`);
say(`ratios: ${JSON.stringify(ratios)}`);
if (Object.keys(errors).length) say(`failed sections: ${Object.keys(errors).join(', ')}`);
say(`full results: bench/results/${quick ? 'quick' : 'full'}-latest.json`);
process.stdout.write(`${JSON.stringify({ ...summary, ratios, errors })}\n`);
process.exit(0);

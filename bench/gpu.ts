// npm run bench:gpu [-- --quick]: the encoders on the machine's GPU in Chromium, one short run for
// a GPU machine (never a test). On the same page and bundle shape (LongCLIP-B, random weights):
// WebGPU against WASM; a float16 bundle computing in float16 (shader-f16) against float32; batch
// 1, 8 and 32; onnxruntime's fused-op graph (Attention) against the standard-op one. Prints one
// JSON line. Chromium needs the GPU's flags where headless does not find it by itself, e.g.
// BENCH_CHROMIUM_FLAGS="--enable-features=Vulkan --use-angle=vulkan --ignore-gpu-blocklist".
// The JSON says which adapter ran: a software one (SwiftShader) is flagged, its figures are the CPU's.
import { existsSync } from 'node:fs';
import { engineBrowserBench, type BrowserEncoderResult } from './browser';
import { paths } from './lib/paths';
import { convertInNode } from './node';
import { makeCheckpoint } from './pytorch';

const quick = process.argv.includes('--quick');
const batches = quick ? [1] : [1, 8, 32];
const textLengths = quick ? [20] : [20, 77, 248];

const checkpoint = await makeCheckpoint('B');
for (const dtype of ['fp32', 'fp16'] as const) if (!existsSync(paths.bundle('B', dtype))) await convertInNode(checkpoint, paths.bundle('B', dtype), dtype);

type Figures = Pick<BrowserEncoderResult, 'image_per_s_best' | 'text_ms'> & { image_per_s: Record<string, number | null>; compute: string };
const figures = (r: BrowserEncoderResult): Figures => ({
  compute: r.provider,
  image_per_s: Object.fromEntries(r.image.map((f) => [`batch${f.batch}`, f.per_s])),
  image_per_s_best: r.image_per_s_best,
  text_ms: r.text_ms,
});

const runs: Record<string, Figures> = {};
let gpu: BrowserEncoderResult['gpu'] | undefined;
const run = async (name: string, opts: Omit<Parameters<typeof engineBrowserBench>[0], 'quick' | 'batches' | 'textLengths'>) => {
  process.stderr.write(`bench[gpu]: ${name}\n`);
  const r = await engineBrowserBench({ ...opts, quick, batches, textLengths });
  gpu ??= r.gpu;
  runs[name] = figures(r);
};
await run('wasm_fp32', { bundleDir: paths.bundle('B', 'fp32'), provider: 'wasm' });
await run('webgpu_fp32_standard', { bundleDir: paths.bundle('B', 'fp32'), provider: 'webgpu', fusedOps: false });
await run('webgpu_fp32_fused', { bundleDir: paths.bundle('B', 'fp32'), provider: 'webgpu', fusedOps: true });
// float16 compute needs shader-f16: without it these runs would repeat the float32 ones.
if (gpu?.shaderF16) {
  await run('webgpu_fp16_bundle_f32_compute', { bundleDir: paths.bundle('B', 'fp16'), provider: 'webgpu', shaderF16: false });
  await run('webgpu_fp16_shader_f16', { bundleDir: paths.bundle('B', 'fp16'), provider: 'webgpu', shaderF16: true });
  await run('webgpu_fp16_shader_f16_fused', { bundleDir: paths.bundle('B', 'fp16'), provider: 'webgpu', shaderF16: true, fusedOps: true });
} else process.stderr.write('bench[gpu]: the adapter has no shader-f16: no float16 runs\n');

const best = (name: string) => runs[name]?.image_per_s_best ?? null;
const ratio = (a: number | null, b: number | null) => (a !== null && b !== null && b > 0 ? Math.round((a / b) * 100) / 100 : null);
const software = /swiftshader|llvmpipe|lavapipe/i.test(`${gpu?.vendor} ${gpu?.architecture} ${gpu?.description}`);
process.stdout.write(
  `${JSON.stringify({
    gpu: { ...gpu, software },
    quick,
    runs,
    webgpu_vs_wasm: ratio(best('webgpu_fp32_standard'), best('wasm_fp32')),
    f16_vs_f32: gpu?.shaderF16 ? ratio(best('webgpu_fp16_shader_f16'), best('webgpu_fp16_bundle_f32_compute')) : null,
    fused_vs_standard: ratio(best('webgpu_fp32_fused'), best('webgpu_fp32_standard')),
  })}\n`,
);
process.exit(0);

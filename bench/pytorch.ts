// The PyTorch side of the benchmark (bench-only Python, see bench/python.ts): random-weight
// checkpoints in the official format, the official-architecture PyTorch CPU anchor, and the
// torch.onnx.export peer route. Outputs go to bench/lib/paths.ts locations and are reused when
// already complete.
import { existsSync, readFileSync, writeFileSync, renameSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { ensureDir, paths, type Shape } from './lib/paths';
import { runPython } from './python';

/** bench/pytorch/bench_torch.py's result. */
export interface PytorchBench {
  shape: Shape;
  image_per_s_b1: number;
  image_per_s_b8: number;
  image_ms_b1: number;
  image_ms_b8: number;
  /** One query, padded to 248 tokens as the official tokenize does, by real length ("20", "40", "77", "150", "248"). */
  text_ms: Record<string, number>;
  threads: number;
  torch: string;
  /** e.g. "OpenBLAS 0.3.21 core=Cooperlake threads=2". */
  blas: string;
  blas_detail: Record<string, unknown>;
  load_s: number;
  quick: boolean;
  runs: { image_b1: number; image_b8: number; text: number };
}

export interface TorchExport {
  dir: string;
  imageOnnx: string;
  textOnnx: string;
  /** Lowest cosine of onnxruntime-node's outputs against PyTorch's (images, and texts of 20, 40, 77 and 248 tokens). */
  minCosine: number;
}

/** The random-weight checkpoint for `shape` (written once; make_checkpoint.py writes it atomically). */
export async function makeCheckpoint(shape: Shape): Promise<string> {
  const out = paths.checkpoint(shape);
  if (existsSync(out)) return out;
  ensureDir(dirname(out));
  process.stderr.write(`bench: writing the random ${shape} checkpoint ${out}\n`);
  await runPython('make_checkpoint.py', [shape, out]);
  if (!existsSync(out)) throw new Error(`make_checkpoint.py did not write ${out}`);
  return out;
}

/**
 * PyTorch CPU, the official architecture and loader, on all cores. `plain` leaves the process
 * environment as it is (OpenMP threads spinning, glibc returning buffers): the untuned setup.
 */
export async function benchPytorch(shape: Shape, quick: boolean, plain = false): Promise<PytorchBench> {
  const checkpoint = await makeCheckpoint(shape);
  const r = (await runPython('bench_torch.py', [shape, checkpoint, ...(quick ? ['--quick'] : []), ...(plain ? ['--plain'] : [])])) as PytorchBench;
  if (typeof r?.image_per_s_b1 !== 'number' || typeof r.text_ms !== 'object') {
    throw new Error(`bench_torch.py gave an unexpected result: ${JSON.stringify(r).slice(0, 200)}`);
  }
  return r;
}

/**
 * torch.onnx.export of the encoders (image.onnx: pixel_values [batch,3,224,224]; text.onnx:
 * input_ids int64 [batch, sequence <= 248]), checked once with onnxruntime-node against PyTorch
 * (cosine > 0.9999). Reused when export.json (written last by the export) and check.json exist.
 */
export async function exportTorchOnnx(shape: Shape): Promise<TorchExport> {
  const dir = paths.torchExport(shape);
  const result = (minCosine: number): TorchExport => ({ dir, imageOnnx: join(dir, 'image.onnx'), textOnnx: join(dir, 'text.onnx'), minCosine });
  const complete = () => ['export.json', 'image.onnx', 'text.onnx'].every((f) => existsSync(join(dir, f)));
  const checkFile = join(dir, 'check.json');
  if (complete() && existsSync(checkFile)) {
    const saved = JSON.parse(readFileSync(checkFile, 'utf8')) as { ok: boolean; minCosine: number };
    if (saved.ok) return result(saved.minCosine);
  }
  if (!complete()) {
    const checkpoint = await makeCheckpoint(shape);
    process.stderr.write(`bench: exporting the ${shape} PyTorch encoders to ONNX in ${dir}\n`);
    await runPython('export_onnx.py', [shape, checkpoint, dir]);
    if (!complete()) throw new Error(`export_onnx.py did not complete ${dir}`);
  }
  const { checkTorchExport } = await import('./pytorch/check_export');
  const check = await checkTorchExport(dir);
  for (const c of check.cases) {
    process.stderr.write(`bench: torch export ${shape} ${c.name} [${c.dims.join('x')}]: cosine vs PyTorch ${Math.min(...c.cosines).toFixed(7)}\n`);
  }
  if (!check.ok) throw new Error(`the torch export in ${dir} does not match PyTorch (min cosine ${check.minCosine})`);
  writeFileSync(`${checkFile}.tmp`, JSON.stringify(check, null, 1));
  renameSync(`${checkFile}.tmp`, checkFile);
  return result(check.minCosine);
}

// Checks a torch.onnx.export (bench/pytorch/export_onnx.py) with onnxruntime-node against the
// PyTorch outputs it saved in <dir>/reference: cosine per row (> 0.9999 required), the image graph
// at batch 3 and the text graph at several lengths (20, 40, 77 in a batch of 2, 248 tokens).
// Usage: npx tsx bench/pytorch/check_export.ts <dir>   (prints one JSON line)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as ort from 'onnxruntime-node';
import { cosine } from '../../src/engine/testing/shared';

interface Case {
  kind: 'image' | 'text';
  input: string;
  dims: number[];
  output: string;
}

export interface ExportCheck {
  ok: boolean;
  minCosine: number;
  cases: { name: string; dims: number[]; cosines: number[]; ms: number }[];
}

function f32(path: string): Float32Array {
  const b = readFileSync(path);
  return new Float32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

function i64(path: string): BigInt64Array {
  const b = readFileSync(path);
  return new BigInt64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

export async function checkTorchExport(dir: string, threshold = 0.9999): Promise<ExportCheck> {
  const meta = JSON.parse(readFileSync(join(dir, 'export.json'), 'utf8')) as { cases: Case[]; embed_dim: number };
  const sessions = {
    image: await ort.InferenceSession.create(join(dir, 'image.onnx')),
    text: await ort.InferenceSession.create(join(dir, 'text.onnx')),
  };
  const cases: ExportCheck['cases'] = [];
  for (const c of meta.cases) {
    const path = join(dir, 'reference', c.input);
    const feeds: Record<string, ort.Tensor> =
      c.kind === 'image' ? { pixel_values: new ort.Tensor('float32', f32(path), c.dims) } : { input_ids: new ort.Tensor('int64', i64(path), c.dims) };
    const t = performance.now();
    const out = await sessions[c.kind].run(feeds);
    const ms = performance.now() - t;
    const got = out[c.kind === 'image' ? 'image_embeds' : 'text_embeds']!;
    const want = f32(join(dir, 'reference', c.output));
    const d = meta.embed_dim;
    if (got.dims.join() !== [c.dims[0], d].join()) throw new Error(`${c.input}: output dims ${got.dims.join('x')}, expected ${c.dims[0]}x${d}`);
    const data = got.data as Float32Array;
    const cosines = [];
    for (let r = 0; r < c.dims[0]!; r++) cosines.push(cosine(data.subarray(r * d, (r + 1) * d), want.subarray(r * d, (r + 1) * d)));
    cases.push({ name: c.input, dims: c.dims, cosines, ms });
  }
  await sessions.image.release();
  await sessions.text.release();
  const minCosine = Math.min(...cases.flatMap((c) => c.cosines));
  return { ok: minCosine > threshold, minCosine, cases };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const dir = process.argv[2];
  if (!dir) {
    process.stderr.write('usage: npx tsx bench/pytorch/check_export.ts <export dir>\n');
    process.exit(2);
  }
  const r = await checkTorchExport(dir);
  for (const c of r.cases)
    process.stderr.write(`${c.name} [${c.dims.join('x')}]: cosine ${c.cosines.map((x) => x.toFixed(7)).join(', ')} (${c.ms.toFixed(0)} ms)\n`);
  console.log(JSON.stringify(r));
  if (!r.ok) process.exit(1);
}

import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { beforeAll, describe, expect, test } from 'vitest';
import { convertCheckpoint } from '../bundle/convert';
import { BlobBundleOutput } from '../bundle/output';
import { graphDoc, type BundleManifest } from '../bundle/manifest';
import { BlobSource } from '../io/source';
import { computeType } from '../session/clip-engine';
import { cosine, goldensDir, loadGolden, readF32 } from '../testing/shared';
import { buildEncoderGraph, type Tower } from './build-encoder';
import { onnx } from './onnx-proto';

ort.env.wasm.numThreads = 1;
const golden = loadGolden();

describe('float16 bundle graphs', () => {
  let manifest: BundleManifest;
  let files: Map<string, Blob>;
  const bytes = async (path: string) => new Uint8Array(await files.get(path)!.arrayBuffer());
  const rebuild = (tower: Tower, compute: 'float32' | 'float16') =>
    buildEncoderGraph(
      { tower, arch: manifest.architecture, storage: 'float16', compute, weightsPath: `${tower}.onnx.data`, ...graphDoc(tower, manifest.source.fileName) },
      null,
    );

  beforeAll(async () => {
    const out = new BlobBundleOutput();
    const ckpt = readFileSync(join(goldensDir, 'tiny-longclip-fp32.pt'));
    manifest = await convertCheckpoint(
      new BlobSource(new Blob([ckpt]), 'tiny-longclip-fp32.pt'),
      new Uint8Array(readFileSync(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'))),
      out,
      { dtype: 'float16' },
    );
    files = out.files;
  });

  test.each(['text', 'image'] as const)('the %s graph rebuilt from the layout alone is byte-identical to the stored one', async (tower) => {
    const { model, weightBytes } = await rebuild(tower, 'float32');
    expect(Buffer.from(model).equals(Buffer.from(await bytes(`${tower}.onnx`)))).toBe(true);
    expect(weightBytes).toBe(manifest.files[tower === 'text' ? 'textWeights' : 'imageWeights'].size);
  });

  test.each(['text', 'image'] as const)('the %s float16-compute graph keeps the weights file and its activations are float16', async (tower) => {
    const { model } = await rebuild(tower, 'float16');
    const graph = onnx.ModelProto.decode(model).graph!;
    const stored = onnx.ModelProto.decode(await bytes(`${tower}.onnx`)).graph!;
    const external = (g: typeof graph) =>
      g.initializer!.filter((t) => t.dataLocation === onnx.TensorProto.DataLocation.EXTERNAL).map((t) => [t.name, t.dataType, JSON.stringify(t.externalData)]);
    expect(external(graph)).toEqual(external(stored));
    // Every Cast goes to float16, except the one that hands the result back as float32.
    const casts = graph.node!.filter((n) => n.opType === 'Cast').map((n) => Number(n.attribute![0]!.i));
    // oxlint-disable-next-line typescript/no-unsafe-enum-comparison -- a Cast's `to` attribute is a plain protobuf int; DataType is the numeric enum it holds
    expect(casts.filter((to) => to === onnx.TensorProto.DataType.FLOAT)).toHaveLength(tower === 'text' ? 2 : 1); // text: ids -> float for ArgMax
    // oxlint-disable-next-line typescript/no-unsafe-enum-comparison -- a Cast's `to` attribute is a plain protobuf int; DataType is the numeric enum it holds
    expect(casts.filter((to) => to === onnx.TensorProto.DataType.FLOAT16).length).toBeGreaterThan(0);
  });

  test('the float16-compute graphs compute the official embeddings (run here on WASM, which widens float16 ops)', async () => {
    const text = await ort.InferenceSession.create((await rebuild('text', 'float16')).model, {
      externalData: [{ path: 'text.onnx.data', data: await bytes('text.onnx.data') }],
    });
    for (const t of golden.texts.slice(0, 4)) {
      const out = await text.run({ input_ids: new ort.Tensor('int32', Int32Array.from(t.tokens), [1, t.tokens.length]) });
      expect(cosine(out.text_embeds!.data as Float32Array, t.embedding)).toBeGreaterThanOrEqual(0.999);
    }
    const image = await ort.InferenceSession.create((await rebuild('image', 'float16')).model, {
      externalData: [{ path: 'image.onnx.data', data: await bytes('image.onnx.data') }],
    });
    const im = golden.images[0]!;
    const out = await image.run({ pixel_values: new ort.Tensor('float32', readF32(join(goldensDir, im.pixels)), [1, 3, 224, 224]) });
    expect(cosine(out.image_embeds!.data as Float32Array, im.embedding)).toBeGreaterThanOrEqual(0.999);
  });

  test('float16 compute is chosen only for a float16 bundle on a shader-f16 WebGPU adapter', () => {
    expect(computeType('webgpu', true, 'float16')).toBe('float16');
    expect(computeType('webgpu', false, 'float16')).toBe('float32');
    expect(computeType('webgpu', true, 'float32')).toBe('float32');
    expect(computeType('wasm', true, 'float16')).toBe('float32');
  });
});

describe('standard-op and fused graphs of one float32 bundle', () => {
  let files: Map<string, Blob>;
  let manifest: BundleManifest;
  const bytes = async (path: string) => new Uint8Array(await files.get(path)!.arrayBuffer());
  const domains = (model: Uint8Array) => new Set(onnx.ModelProto.decode(model).graph!.node!.map((n) => n.domain || 'ai.onnx'));
  const session = async (tower: Tower, model: Uint8Array) =>
    ort.InferenceSession.create(model, { externalData: [{ path: `${tower}.onnx.data`, data: await bytes(`${tower}.onnx.data`) }] });

  beforeAll(async () => {
    const out = new BlobBundleOutput();
    const ckpt = readFileSync(join(goldensDir, 'tiny-longclip-fp32.pt'));
    manifest = await convertCheckpoint(
      new BlobSource(new Blob([ckpt]), 'tiny-longclip-fp32.pt'),
      new Uint8Array(readFileSync(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'))),
      out,
      { dtype: 'float32' },
    );
    files = out.files;
  });

  test('the stored graphs use standard ONNX ops only and compute the official embeddings', async () => {
    const text = await bytes('text.onnx');
    const image = await bytes('image.onnx');
    expect([...domains(text), ...domains(image)]).toEqual(['ai.onnx', 'ai.onnx']);
    const t = await session('text', text);
    for (const g of golden.texts) {
      const out = await t.run({ input_ids: new ort.Tensor('int32', Int32Array.from(g.tokens), [1, g.tokens.length]) });
      expect(cosine(out.text_embeds!.data as Float32Array, g.embedding)).toBeGreaterThanOrEqual(0.99999);
    }
    const i = await session('image', image);
    const im = golden.images[0]!;
    const out = await i.run({ pixel_values: new ort.Tensor('float32', readF32(join(goldensDir, im.pixels)), [1, 3, 224, 224]) });
    expect(cosine(out.image_embeds!.data as Float32Array, im.embedding)).toBeGreaterThanOrEqual(0.99999);
  });

  test('the WASM runtime graphs use the fused Attention over the same weights file', async () => {
    for (const tower of ['text', 'image'] as const) {
      const { model, weightBytes } = await buildEncoderGraph(
        {
          tower,
          arch: manifest.architecture,
          storage: 'float32',
          compute: 'float32',
          contribOps: true,
          weightsPath: `${tower}.onnx.data`,
          ...graphDoc(tower, manifest.source.fileName),
        },
        null,
      );
      expect(weightBytes).toBe(manifest.files[tower === 'text' ? 'textWeights' : 'imageWeights'].size);
      const nodes = onnx.ModelProto.decode(model).graph!.node!;
      expect(nodes.filter((n) => n.opType === 'Attention' && n.domain === 'com.microsoft')).toHaveLength(
        manifest.architecture[tower === 'text' ? 'text' : 'vision'].layers,
      );
      expect(nodes.some((n) => n.opType === 'Softmax')).toBe(false);
    }
  });
});

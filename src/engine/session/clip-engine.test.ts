// The deferred image tower: a search-only start creates the text session alone; the image
// session is made once, on the first image batch, even when batches arrive together.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { expect, test } from 'vitest';
import { convertCheckpoint } from '../bundle/convert';
import { blobBundleFiles } from '../bundle/files';
import { BlobBundleOutput } from '../bundle/output';
import { BlobSource } from '../io/source';
import { cosine, goldensDir, loadGolden, readF32 } from '../testing/shared';
import type { OrtRuntime } from './ort';
import { ClipEngine } from './clip-engine';

ort.env.wasm.numThreads = 1;
const golden = loadGolden();

test('with deferImage the image session is created on the first image batch, once (also when started ahead of it), and embeds as the eager engine does', async () => {
  const out = new BlobBundleOutput();
  const file = 'tiny-longclip-fp32.pt';
  const merges = new Uint8Array(readFileSync(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz')));
  await convertCheckpoint(new BlobSource(new Blob([readFileSync(join(goldensDir, file))]), file), merges, out, { dtype: 'float32' });
  const created: string[] = [];
  const counting = {
    ...ort,
    InferenceSession: {
      create: (model: Uint8Array, options: { externalData?: { path: string }[] }) => {
        // The one-node session that starts the runtime has no weights.
        if (options.externalData) created.push(options.externalData[0]!.path);
        return ort.InferenceSession.create(model, options as ort.InferenceSession.SessionOptions);
      },
    },
  } as unknown as OrtRuntime;

  const engine = await ClipEngine.load(counting, blobBundleFiles(out.files), { provider: 'wasm', deferImage: true });
  expect(created).toEqual(['text.onnx.data']);
  expect(engine.imageStarted).toBe(false);
  const [text] = await engine.encodeTokenIds([Int32Array.from(golden.texts[0]!.tokens)]);
  expect(cosine(text!, golden.texts[0]!.embedding)).toBeGreaterThanOrEqual(0.99999);
  expect(created).toEqual(['text.onnx.data']);

  const size = 3 * 224 * 224;
  const pixels = golden.images.slice(0, 2).map((i) => readF32(join(goldensDir, `pixels/${i.file.split('/').pop()}.f32`)));
  engine.startImage(); // as an indexing run does before its first batch
  expect(engine.imageStarted).toBe(true);
  const [a, b] = await Promise.all(pixels.map((p) => engine.encodeImages(p.slice(0, size), 1)));
  expect(created).toEqual(['text.onnx.data', 'image.onnx.data']);
  expect(engine.imageStarted).toBe(true);
  expect(cosine(a![0]!, golden.images[0]!.embedding)).toBeGreaterThanOrEqual(0.99999);
  expect(cosine(b![0]!, golden.images[1]!.embedding)).toBeGreaterThanOrEqual(0.99999);
  await engine.release();
});

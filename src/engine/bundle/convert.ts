// The converter: an official checkpoint and CLIP's merges file into a model bundle (two ONNX graphs
// with external weights, the merges file and manifest.json), with progress.
import { architectureFromStateDict, validateStateDict } from '../checkpoint/architecture';
import { openCheckpoint } from '../checkpoint/open-checkpoint';
import type { Architecture } from '../checkpoint/architecture-types';
import type { StateDict } from '../checkpoint/tensor';
import { buildEncoderGraph, type Tower } from '../graph/build-encoder';
import { IMAGE_INPUT, IMAGE_OUTPUT } from '../graph/image-encoder';
import { TEXT_INPUT, TEXT_OUTPUT } from '../graph/text-encoder';
import type { WeightDType } from '../graph/weights';
import { sha256Source } from '../io/sha256';
import type { ByteSource } from '../io/source';
import { CLIP_MEAN, CLIP_STD } from '../preprocess/clip-preprocess';
import { parseMerges } from '../tokenizer/merges';
import { BUNDLE_FILES, BUNDLE_FORMAT, BUNDLE_FORMAT_VERSION, CONVERTER_VERSION, graphDoc, type BundleFileInfo, type BundleManifest } from './manifest';
import type { BundleOutput } from './output';

export interface ConvertProgress {
  stage: 'hash' | 'text' | 'image' | 'done';
  /** 0..1 over the whole conversion. */
  fraction: number;
}

export interface ConvertOptions {
  dtype?: WeightDType;
  onProgress?: (p: ConvertProgress) => void;
  signal?: AbortSignal;
}

/**
 * Official checkpoint (.pt or .safetensors) + CLIP merges file -> bundle: two ONNX graphs
 * with external weights, the merges file and manifest.json. Reads the checkpoint range by
 * range; each weight is written out as soon as it is converted.
 */
export async function convertCheckpoint(source: ByteSource, merges: Uint8Array, out: BundleOutput, options: ConvertOptions = {}): Promise<BundleManifest> {
  const dtype = options.dtype ?? 'float32';
  const { signal } = options;
  const report = options.onProgress ?? (() => {});
  parseMerges(merges); // fail on a bad merges file before the long part

  // Hashing reads the file once more; weight it as a fifth of the work.
  const sha256 = await sha256Source(source, (done) => report({ stage: 'hash', fraction: (0.2 * done) / source.size }), signal);
  const sd = await openCheckpoint(source);
  const arch = architectureFromStateDict(sd);
  validateStateDict(sd, arch);

  const total = [...sd.tensors.values()].reduce((n, t) => n + t.shape.reduce((a, b) => a * b, 1), 0);
  let done = 0;
  let stage: ConvertProgress['stage'] = 'text';
  const read = async (key: string) => {
    signal?.throwIfAborted();
    const t = sd.tensors.get(key);
    if (!t) throw new Error(`${source.name}: tensor ${key} is missing`);
    const values = await t.read();
    done += values.length;
    report({ stage, fraction: 0.2 + (0.8 * Math.min(done, total)) / total });
    return values;
  };

  const text = await writeGraph(out, 'text', arch, read, dtype, graphDoc('text', source.name));
  stage = 'image';
  const image = await writeGraph(out, 'image', arch, read, dtype, graphDoc('image', source.name));
  await out.writeFile(BUNDLE_FILES.merges, merges);
  const manifest: BundleManifest = {
    format: BUNDLE_FORMAT,
    formatVersion: BUNDLE_FORMAT_VERSION,
    converter: { name: 'longclip-search', version: CONVERTER_VERSION },
    architecture: arch,
    contextLength: arch.text.contextLength,
    resolution: arch.vision.resolution,
    mean: [...CLIP_MEAN] as [number, number, number],
    std: [...CLIP_STD] as [number, number, number],
    dtype,
    logitScale: await logitScale(sd),
    source: { fileName: source.name, size: source.size, sha256, format: sd.format },
    files: {
      textGraph: text.graph,
      textWeights: text.weights,
      imageGraph: image.graph,
      imageWeights: image.weights,
      merges: { path: BUNDLE_FILES.merges, size: merges.byteLength },
    },
    inputs: { text: TEXT_INPUT, image: IMAGE_INPUT },
    outputs: { text: TEXT_OUTPUT, image: IMAGE_OUTPUT },
    createdAt: new Date().toISOString(),
  };
  await out.writeFile(BUNDLE_FILES.manifest, new TextEncoder().encode(JSON.stringify(manifest, null, 2)));
  report({ stage: 'done', fraction: 1 });
  return manifest;
}

async function writeGraph(
  out: BundleOutput,
  tower: Tower,
  arch: Architecture,
  read: (key: string) => Promise<Float32Array>,
  storage: WeightDType,
  doc: { producer: string; doc: string },
): Promise<{ graph: BundleFileInfo; weights: BundleFileInfo }> {
  const graphPath = tower === 'text' ? BUNDLE_FILES.textGraph : BUNDLE_FILES.imageGraph;
  const weightsPath = tower === 'text' ? BUNDLE_FILES.textWeights : BUNDLE_FILES.imageWeights;
  const sink = await out.openStream(weightsPath);
  const { model, weightBytes } = await buildEncoderGraph({ tower, arch, storage, compute: 'float32', weightsPath, ...doc }, { read, sink });
  await sink.close();
  await out.writeFile(graphPath, model);
  return { graph: { path: graphPath, size: model.byteLength }, weights: { path: weightsPath, size: weightBytes } };
}

async function logitScale(sd: StateDict): Promise<number | null> {
  const t = sd.tensors.get('logit_scale');
  if (!t) return null;
  const v = await t.read();
  return v.length === 1 ? Math.exp(v[0]!) : null;
}

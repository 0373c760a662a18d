// A model bundle's manifest.json: the bundle's file names, format and converter versions, its fields,
// and the check of a parsed one.
import type { Architecture } from '../checkpoint/architecture-types';
import type { WeightDType } from '../graph/weights';

export const BUNDLE_FORMAT = 'longclip-onnx-bundle';
export const BUNDLE_FORMAT_VERSION = 1;
/** Bumped when the graphs change in a way that changes embeddings (major) or not (minor). */
export const CONVERTER_VERSION = '1.1.0';

/** File names inside a bundle folder. */
export const BUNDLE_FILES = {
  manifest: 'manifest.json',
  textGraph: 'text.onnx',
  textWeights: 'text.onnx.data',
  imageGraph: 'image.onnx',
  imageWeights: 'image.onnx.data',
  merges: 'bpe_simple_vocab_16e6.txt.gz',
} as const;

export type BundleFileRole = Exclude<keyof typeof BUNDLE_FILES, 'manifest'>;

export interface BundleFileInfo {
  path: string;
  size: number;
}

/** manifest.json: everything the app needs to run a converted model, and where it came from. */
export interface BundleManifest {
  format: typeof BUNDLE_FORMAT;
  formatVersion: number;
  converter: { name: string; version: string };
  architecture: Architecture;
  /** Tokens the text encoder reads (248 for Long-CLIP, 77 for CLIP). */
  contextLength: number;
  /** Side of the square image input. */
  resolution: number;
  mean: [number, number, number];
  std: [number, number, number];
  /** How matrices are stored (see WeightDType); the stored graphs compute in float32. */
  dtype: WeightDType;
  /** exp(logit_scale) multiplies cosines into logits; null when the checkpoint has none. */
  logitScale: number | null;
  source: { fileName: string; size: number; sha256: string; format: 'torch-zip' | 'safetensors' };
  files: Record<BundleFileRole, BundleFileInfo>;
  inputs: { text: string; image: string };
  outputs: { text: string; image: string };
  createdAt: string;
}

export class BundleError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BundleError';
  }
}

/** Checks a parsed manifest.json; the message names the first problem. */
export function parseManifest(json: unknown, where = 'manifest.json'): BundleManifest {
  const m = json as Partial<BundleManifest> | null;
  if (!m || typeof m !== 'object') throw new BundleError(`${where}: not a JSON object`);
  if (m.format !== BUNDLE_FORMAT) throw new BundleError(`${where}: not a Long-CLIP bundle manifest (format is ${JSON.stringify(m.format)})`);
  if (m.formatVersion !== BUNDLE_FORMAT_VERSION)
    throw new BundleError(`${where}: bundle format version ${m.formatVersion} is not supported (this app reads ${BUNDLE_FORMAT_VERSION})`);
  const a = m.architecture;
  if (!a || !a.text || !a.vision || typeof a.embedDim !== 'number') throw new BundleError(`${where}: architecture is missing`);
  if (m.dtype !== 'float32' && m.dtype !== 'float16' && m.dtype !== 'int8') throw new BundleError(`${where}: unknown dtype ${JSON.stringify(m.dtype)}`);
  if (!m.files) throw new BundleError(`${where}: files are missing`);
  for (const role of Object.keys(BUNDLE_FILES) as (keyof typeof BUNDLE_FILES)[]) {
    if (role === 'manifest') continue;
    const f = m.files[role];
    if (!f || typeof f.path !== 'string' || typeof f.size !== 'number') throw new BundleError(`${where}: file entry "${role}" is missing`);
  }
  if (!Array.isArray(m.mean) || m.mean.length !== 3 || !Array.isArray(m.std) || m.std.length !== 3) throw new BundleError(`${where}: mean/std are missing`);
  return m as BundleManifest;
}

/** Producer and doc strings of a bundle's graphs (the same when a graph is rebuilt at load). */
export function graphDoc(tower: 'text' | 'image', sourceName: string): { producer: string; doc: string } {
  return { producer: `longclip-search ${CONVERTER_VERSION}`, doc: `Long-CLIP ${tower} encoder converted from ${sourceName}` };
}

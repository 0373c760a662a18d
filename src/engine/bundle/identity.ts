// Which weights a bundle runs, and the name it goes by: the key the library stores embeddings
// under, the identity an index file carries, and the file-name rules for checkpoints.
import type { WeightDType } from '../graph/weights';
import type { BundleManifest } from './manifest';

/** The file names a checkpoint goes by: PyTorch (`.pt`, `.pth`, `.bin`) or safetensors. */
export const CHECKPOINT_FILE = /\.(pt|pth|bin|safetensors)$/i;

/** The name a model converted from this file goes by ("longclip-B.pt" -> "longclip-B"). */
export function modelNameOf(checkpointFileName: string): string {
  return checkpointFileName.replace(CHECKPOINT_FILE, '');
}

/** Which weights made a set of embeddings: the same weights converted by the CLI or in the app match. */
export interface ModelIdentity {
  /** SHA-256 of the source checkpoint (64 lowercase hex digits). */
  sourceSha256: string;
  /** How the bundle stores its matrices. */
  dtype: WeightDType;
  /** The converter's major version (embeddings change only with it). */
  converterMajor: number;
  /** The app's model key: `<sourceSha256>:<dtype>:v<converterMajor>`. */
  key: string;
  /** A name for messages ("LongCLIP-B", "demo-longclip"); not part of the identity. */
  name: string;
  embedDim: number;
}

/** The model key from its parts: embeddings are stored under it, so it changes only when embeddings do. */
export function identityKey(sourceSha256: string, dtype: string, major: number): string {
  return `${sourceSha256}:${dtype}:v${major}`;
}

function converterMajor(manifest: BundleManifest): number {
  return Number(manifest.converter.version.split('.')[0]);
}

/** A bundle's model key: the source SHA-256, the stored dtype and the converter's major version. */
export function modelKey(manifest: BundleManifest): string {
  return identityKey(manifest.source.sha256, manifest.dtype, converterMajor(manifest));
}

/** The identity of a bundle's weights; the name defaults to the one its source file gives. */
export function modelIdentity(manifest: BundleManifest, name = modelNameOf(manifest.source.fileName)): ModelIdentity {
  return {
    sourceSha256: manifest.source.sha256,
    dtype: manifest.dtype,
    converterMajor: converterMajor(manifest),
    key: modelKey(manifest),
    name,
    embedDim: manifest.architecture.embedDim,
  };
}

/** "LongCLIP-B (1a2b3c4d5e6f…, float16, converter 1)". */
export function describeModel(m: ModelIdentity): string {
  return `${m.name} (${m.sourceSha256.slice(0, 12)}…, ${m.dtype}, converter ${m.converterMajor})`;
}

export function sameModel(a: ModelIdentity, b: ModelIdentity): boolean {
  return a.key === b.key && a.embedDim === b.embedDim;
}

/** Embeddings made with other weights than the model they would be used with. */
export class ModelMismatchError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ModelMismatchError';
  }
}

/**
 * Refuses embeddings made with other weights. `what` names them ("This index"), `loadedWhat`
 * the model they would be used with; `how` says how to get the right one ("Load that model to import it.").
 */
export function checkSameModel(index: ModelIdentity, loaded: ModelIdentity, what: string, loadedWhat: string, how: string): void {
  if (sameModel(index, loaded)) return;
  throw new ModelMismatchError(`${what} was made with ${describeModel(index)}; ${loadedWhat} is ${describeModel(loaded)}. ${how}`);
}

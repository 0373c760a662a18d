import type { BundleManifest } from '../bundle/manifest';
import { ModelMismatchError, type ModelIdentity } from './types';

/** The app's model key (src/worker/model-storage.ts `modelKey` gives the same). */
export function identityKey(sourceSha256: string, dtype: string, converterMajor: number): string {
  return `${sourceSha256}:${dtype}:v${converterMajor}`;
}

/** The identity of a bundle's weights: source SHA-256, dtype, converter major version. */
export function modelIdentity(manifest: BundleManifest, name: string): ModelIdentity {
  const converterMajor = Number(manifest.converter.version.split('.')[0]);
  return {
    sourceSha256: manifest.source.sha256,
    dtype: manifest.dtype,
    converterMajor,
    key: identityKey(manifest.source.sha256, manifest.dtype, converterMajor),
    name,
    embedDim: manifest.architecture.embedDim,
  };
}

/** The name the app gives a model converted from this bundle's source ("demo-longclip.pt" -> "demo-longclip"). */
export function bundleModelName(manifest: BundleManifest): string {
  return manifest.source.fileName.replace(/\.(pt|pth|safetensors|bin)$/i, '');
}

/** "LongCLIP-B (1a2b3c4d5e6f…, float16, converter 1)". */
export function describeModel(m: ModelIdentity): string {
  return `${m.name} (${m.sourceSha256.slice(0, 12)}…, ${m.dtype}, converter ${m.converterMajor})`;
}

export function sameModel(a: ModelIdentity, b: ModelIdentity): boolean {
  return a.key === b.key && a.embedDim === b.embedDim;
}

/**
 * Refuses an index made with other weights. `loaded` names the model it would be used with;
 * `how` says how to get the right one ("Load that model to import it.").
 */
export function checkSameModel(index: ModelIdentity, loaded: ModelIdentity, what: string, loadedWhat: string, how: string): void {
  if (sameModel(index, loaded)) return;
  throw new ModelMismatchError(`${what} was made with ${describeModel(index)}; ${loadedWhat} is ${describeModel(loaded)}. ${how}`);
}

// The CLIP engine in Node: a bundle folder loaded on onnxruntime-web's WASM backend, one thread.
import * as ort from 'onnxruntime-web';
import { ClipEngine } from '../engine/session/clip-engine';
import { dirBundleFiles } from './dir-bundle';

// onnxruntime-web's threaded WASM does not work in Node: one thread.
ort.env.wasm.numThreads = 1;

/** Loads a bundle folder on onnxruntime-web's WASM backend, as the CLI and Node tests use it. */
export function loadNodeEngine(dir: string, onProgress?: (step: string) => void): Promise<ClipEngine> {
  return ClipEngine.load(ort, dirBundleFiles(dir), { provider: 'wasm', ...(onProgress ? { onProgress } : {}) });
}

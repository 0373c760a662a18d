// onnxruntime-web (the WebGPU and WASM build) as the worker uses it: a WASM thread per core (at
// most 8) where threads are possible, and errors-only logging.
import * as ort from 'onnxruntime-web/webgpu';

// onnxruntime-web defaults to half the cores (at most 4) for WASM, so a 2-core machine gets
// one thread. The encoders are compute-bound: use every core where threads are possible
// (cross-origin isolation gives SharedArrayBuffer).
if (typeof self !== 'undefined' && self.crossOriginIsolated) {
  ort.env.wasm.numThreads = Math.max(1, Math.min(8, navigator.hardwareConcurrency || 1));
}
ort.env.logLevel = 'error';

/** onnxruntime-web (WebGPU + WASM build) configured for this app's worker. */
export { ort };

// The onnxruntime-web module as the engine receives it (the browser's build or Node's), and the
// execution provider names.
import type * as OrtModule from 'onnxruntime-web';

/**
 * The onnxruntime-web module, injected: the browser loads `onnxruntime-web/webgpu` (WebGPU
 * and WASM), Node loads `onnxruntime-web` (WASM only), and the engine works with either.
 */
export type Ort = typeof OrtModule;
export type OrtSession = OrtModule.InferenceSession;

export type Provider = 'webgpu' | 'wasm';

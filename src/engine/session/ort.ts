// The onnxruntime module as the engine receives it (injected), and the execution provider names.
import type * as OrtModule from 'onnxruntime-web';

/**
 * onnxruntime-web, injected: the browser loads `onnxruntime-web/webgpu` (WebGPU and WASM), and
 * the worker uses its `env` (threads, the WebGPU device).
 */
export type Ort = typeof OrtModule;

/**
 * What the engine itself uses of an onnxruntime module: onnxruntime-web (the browser's build, or
 * Node's WASM one) or onnxruntime-node (native CPU, CUDA); they share onnxruntime-common's API.
 */
export type OrtRuntime = Pick<Ort, 'InferenceSession' | 'Tensor'>;
export type OrtSession = OrtModule.InferenceSession;

/** The browser's providers. */
export type Provider = 'webgpu' | 'wasm';
/** onnxruntime-node's providers (the CLI). */
export type NativeProvider = 'cpu' | 'cuda';
export type EngineProvider = Provider | NativeProvider;

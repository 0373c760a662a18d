// The CLI's engine: onnxruntime-node (native, every core; CUDA with --device cuda), falling back
// to onnxruntime-web's WASM (one thread) where the native binding cannot load.
import { availableParallelism } from 'node:os';
import * as ortWeb from 'onnxruntime-web';
import { ClipEngine } from '../engine/session/clip-engine';
import type { NativeProvider, OrtRuntime } from '../engine/session/ort';
import { UsageError } from './args';
import { dirBundleFiles } from './dir-bundle';

// onnxruntime-web's threaded WASM does not work in Node: one thread.
ortWeb.env.wasm.numThreads = 1;

/** Where the CLI runs the encoders: `cpu` and `cuda` on onnxruntime-node, `wasm` on onnxruntime-web. */
export type Device = NativeProvider | 'wasm';

export const DEVICES: readonly Device[] = ['cpu', 'cuda', 'wasm'];

export function parseDevice(text: string | undefined): Device {
  if (text === undefined) return 'cpu';
  if ((DEVICES as readonly string[]).includes(text)) return text as Device;
  throw new UsageError(`--device must be cpu, cuda or wasm, not ${text}`);
}

export interface NodeEngineOptions {
  device?: Device;
  /** Says what was read and created, and why the engine runs elsewhere than asked. */
  onProgress?: (line: string) => void;
  /** How onnxruntime-node is loaded (tests stand in a binding that fails). */
  importNative?: () => Promise<OrtRuntime>;
}

const importOrtNode = async (): Promise<OrtRuntime> => {
  const ort = await import('onnxruntime-node');
  // Its own log would print a failed CUDA start as a long error before the one line below says it.
  ort.env.logLevel = 'fatal';
  return ort;
};

/** Loads a bundle folder on the device asked for, else the next one that works: CUDA, then the native CPU, then WASM. */
export async function loadNodeEngine(dir: string, options: NodeEngineOptions = {}): Promise<ClipEngine> {
  const say = options.onProgress ?? (() => undefined);
  const files = dirBundleFiles(dir);
  const device = options.device ?? 'cpu';
  const wasm = () => ClipEngine.load(ortWeb, files, { provider: 'wasm', onProgress: say });
  if (device === 'wasm') return wasm();
  let native: OrtRuntime;
  try {
    native = await (options.importNative ?? importOrtNode)();
  } catch (e) {
    say(`onnxruntime-node could not load (${firstLine(e)}); running on onnxruntime-web's WASM, one thread`);
    return wasm();
  }
  const threads = availableParallelism();
  if (device === 'cuda') {
    try {
      return await ClipEngine.load(native, files, { provider: 'cuda', onProgress: say });
    } catch (e) {
      say(`CUDA could not start (${firstLine(e)}); running on the CPU (npm run setup:cuda installs onnxruntime's CUDA provider)`);
    }
  }
  return ClipEngine.load(native, files, { provider: 'cpu', threads, onProgress: say });
}

function firstLine(e: unknown): string {
  const message = e instanceof Error ? e.message : String(e);
  const line = message.split('\n')[0]!;
  return line.length > 160 ? `${line.slice(0, 160)}…` : line;
}

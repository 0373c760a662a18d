import type { Provider } from '../engine/session/ort';

export interface ProviderChoice {
  provider: Provider;
  reason: string;
  shaderF16: boolean;
}

/** The limits the encoders need: a ViT-L attention block's weights in one storage buffer. */
const NEEDED_STORAGE_BUFFER = 128 * 1024 * 1024;

/** WebGPU when an adapter exists and grants what the encoders need, WASM otherwise; says why. */
export async function chooseProvider(forced: Provider | null): Promise<ProviderChoice> {
  if (forced === 'wasm') return { provider: 'wasm', reason: 'forced by ?provider=wasm', shaderF16: false };
  const gpu = (navigator as Navigator & { gpu?: GPU }).gpu;
  if (!gpu) return { provider: 'wasm', reason: 'this browser has no WebGPU', shaderF16: false };
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return { provider: 'wasm', reason: `the WebGPU adapter request failed (${(e as Error).message})`, shaderF16: false };
  }
  if (!adapter) return { provider: 'wasm', reason: 'no WebGPU adapter is available', shaderF16: false };
  if (adapter.limits.maxStorageBufferBindingSize < NEEDED_STORAGE_BUFFER) {
    return { provider: 'wasm', reason: `the WebGPU adapter's storage buffers are too small (${adapter.limits.maxStorageBufferBindingSize} bytes)`, shaderF16: false };
  }
  const shaderF16 = adapter.features.has('shader-f16');
  const name = adapterName(adapter);
  const why = forced === 'webgpu' ? 'forced by ?provider=webgpu' : `GPU adapter${name ? ` ${name}` : ''} found`;
  return { provider: 'webgpu', reason: `${why}${shaderF16 ? ', with shader-f16' : ', without shader-f16 (float32 compute)'}`, shaderF16 };
}

function adapterName(adapter: GPUAdapter): string {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  return [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ').trim();
}

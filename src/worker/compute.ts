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
  const short = tooSmall(adapter.limits);
  if (short) return { provider: 'wasm', reason: `the WebGPU adapter's limits are too small (${short})`, shaderF16: false };
  const shaderF16 = adapter.features.has('shader-f16');
  const refused = await refusesDevice(adapter, shaderF16);
  if (refused) return { provider: 'wasm', reason: `the WebGPU adapter refused a device with the limits the encoders need (${refused})`, shaderF16: false };
  const name = adapterName(adapter);
  const why = forced === 'webgpu' ? 'forced by ?provider=webgpu' : `GPU adapter${name ? ` ${name}` : ''} found`;
  return { provider: 'webgpu', reason: `${why}${shaderF16 ? ', with shader-f16' : ', without shader-f16 (float32 compute)'}`, shaderF16 };
}

/** The limits onnxruntime's WebGPU backend asks for, at the adapter's own values. */
const ORT_LIMITS = [
  'maxBindGroups',
  'maxComputeWorkgroupStorageSize',
  'maxComputeWorkgroupsPerDimension',
  'maxStorageBufferBindingSize',
  'maxBufferSize',
  'maxComputeInvocationsPerWorkgroup',
  'maxComputeWorkgroupSizeX',
  'maxComputeWorkgroupSizeY',
  'maxComputeWorkgroupSizeZ',
] as const;

/**
 * Asks the adapter for a device the way onnxruntime will, and gives it back at once; the reason
 * when it refuses. Asked here because a refusal inside onnxruntime (1.30) throws a bare number
 * and leaves its WASM side hanging, so the fallback could never load.
 */
async function refusesDevice(adapter: GPUAdapter, shaderF16: boolean): Promise<string | null> {
  const requiredLimits: Record<string, number> = {};
  for (const k of ORT_LIMITS) if (typeof adapter.limits[k] === 'number') requiredLimits[k] = adapter.limits[k];
  try {
    const device = await adapter.requestDevice({ requiredLimits, requiredFeatures: shaderF16 ? ['shader-f16'] : [] });
    device.destroy();
    return null;
  } catch (e) {
    return e instanceof Error ? e.message : String(e);
  }
}

/** What the adapter lacks, in words ("maxStorageBufferBindingSize 64 MiB, 128 MiB needed"), or null. */
function tooSmall(limits: GPUSupportedLimits): string | null {
  const mib = (n: number) => `${Math.floor(n / 1024 / 1024)} MiB`;
  const short = (['maxStorageBufferBindingSize', 'maxBufferSize'] as const)
    .filter((k) => !(Number(limits[k]) >= NEEDED_STORAGE_BUFFER))
    .map((k) => `${k} ${mib(Number(limits[k]) || 0)}, ${mib(NEEDED_STORAGE_BUFFER)} needed`);
  return short.length ? short.join('; ') : null;
}

function adapterName(adapter: GPUAdapter): string {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  return [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ').trim();
}

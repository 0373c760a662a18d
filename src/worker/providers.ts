// Which onnxruntime execution provider runs the model: one ordered list, WebGPU first, each
// entry usable or marked with why not (the way onnxruntime-web's resolveBackend walks its
// backends). The first usable entry runs; a failure later marks WebGPU and WASM takes over. A
// software adapter (SwiftShader, llvmpipe) counts as no GPU unless ?provider=webgpu forces it.
// A hardware adapter may still be slower than WASM (a weak integrated GPU beside a strong CPU):
// the first model load on a device times both (model-host.ts) and the choice is remembered.
import type { Provider } from '../engine/session/ort';

/** The provider in use, why, and whether its GPU has shader-f16. */
export interface ProviderChoice {
  provider: Provider;
  reason: string;
  shaderF16: boolean;
}

/** What timing one warm image batch on each provider found on a device (remembered by the page). */
export interface TimedChoice {
  provider: Provider;
  webgpuMs: number;
  wasmMs: number;
}

/** A device's timing, in words for the Compute line. */
const timedWords = (t: TimedChoice) => `timed on this device: a batch took ${Math.round(t.webgpuMs)} ms on WebGPU, ${Math.round(t.wasmMs)} ms on WASM`;

interface Entry {
  provider: Provider;
  /** The GPU's identity (a hardware adapter, not forced): what a timing is remembered under. */
  device?: string;
  shaderF16: boolean;
  /** Why it is used, when it is the first usable entry. */
  why: string;
  /** Why it cannot be used; null while usable. */
  unavailable: string | null;
}

/** The limits the encoders need: a ViT-L attention block's weights in one storage buffer. */
const NEEDED_STORAGE_BUFFER = 128 * 1024 * 1024;

export class ProviderList {
  /** The device to time WebGPU against WASM on at the first model load; null when known, forced or not WebGPU. */
  untimedDevice: string | null;

  private constructor(private readonly entries: Entry[]) {
    const webgpu = entries[0]!;
    this.untimedDevice = webgpu.unavailable === null ? (webgpu.device ?? null) : null;
  }

  /**
   * WebGPU when an adapter exists and grants what the encoders need, then WASM (always usable).
   * `timed`: earlier timings by device; a device where WASM won uses WASM, and says why.
   */
  static async resolve(gpu: GPU | undefined, forced: Provider | null, timed: Readonly<Record<string, TimedChoice>> = {}): Promise<ProviderList> {
    const webgpu = await webgpuEntry(gpu, forced);
    const known = webgpu.device !== undefined ? timed[webgpu.device] : undefined;
    if (known && webgpu.unavailable === null) {
      if (known.provider === 'wasm') webgpu.unavailable = `WASM is faster here (${timedWords(known)})`;
      else webgpu.why += ` (faster than WASM, ${timedWords(known)})`;
      delete webgpu.device;
    }
    return new ProviderList([webgpu, { provider: 'wasm', shaderF16: false, why: 'WASM', unavailable: null }]);
  }

  /** The timing of the first model load: WASM takes over for this visit where it won. */
  settleTiming(choice: TimedChoice): void {
    this.untimedDevice = null;
    const webgpu = this.entries[0]!;
    if (choice.provider === 'wasm') webgpu.unavailable = `WASM is faster here (${timedWords(choice)})`;
    else webgpu.why += ` (faster than WASM, ${timedWords(choice)})`;
  }

  /** The first usable provider; for WASM the reason is why WebGPU is not used. */
  get choice(): ProviderChoice {
    const i = this.entries.findIndex((e) => e.unavailable === null);
    const entry = this.entries[i]!;
    const reason = i > 0 ? this.entries[i - 1]!.unavailable! : entry.why;
    return { provider: entry.provider, reason, shaderF16: entry.shaderF16 };
  }

  /** Takes a provider out of use for this visit (a failed session, a lost device), saying why. */
  markUnavailable(provider: Provider, why: string): void {
    for (const e of this.entries) if (e.provider === provider && e.provider !== 'wasm') e.unavailable = why;
    if (provider === 'webgpu') this.untimedDevice = null;
  }
}

async function webgpuEntry(gpu: GPU | undefined, forced: Provider | null): Promise<Entry> {
  const out = (unavailable: string | null, why = '', shaderF16 = false, device?: string): Entry => ({
    provider: 'webgpu',
    shaderF16,
    why,
    unavailable,
    ...(device !== undefined ? { device } : {}),
  });
  if (forced === 'wasm') return out('forced by ?provider=wasm');
  if (!gpu) return out('this browser has no WebGPU');
  let adapter: GPUAdapter | null = null;
  try {
    adapter = await gpu.requestAdapter({ powerPreference: 'high-performance' });
  } catch (e) {
    return out(`the WebGPU adapter request failed (${(e as Error).message})`);
  }
  if (!adapter) return out('no WebGPU adapter is available');
  const short = tooSmall(adapter.limits);
  if (short) return out(`the WebGPU adapter's limits are too small (${short})`);
  const shaderF16 = adapter.features.has('shader-f16');
  const refused = await refusesDevice(adapter, shaderF16);
  if (refused) return out(`the WebGPU adapter refused a device with the limits the encoders need (${refused})`);
  // A software adapter runs the encoders 10 to 40 times slower than WASM on the same CPU (measured
  // with SwiftShader: 40 demo photos in 49 s against 3.2 s); ?provider=webgpu still takes it.
  const software = forced === 'webgpu' ? null : softwareAdapter(adapter);
  if (software) return out(`the only WebGPU adapter is ${software}, which runs on the CPU and is slower than WASM (?provider=webgpu uses it anyway)`);
  const name = adapterName(adapter);
  const why = forced === 'webgpu' ? 'forced by ?provider=webgpu' : `GPU adapter${name ? ` ${name}` : ''} found`;
  // A GPU the user did not force is timed against WASM once (model-host.ts), and remembered under this name.
  const device = forced === 'webgpu' ? undefined : `${name || 'unnamed GPU'}${shaderF16 ? ' +shader-f16' : ''}`;
  return out(null, `${why}${shaderF16 ? ', with shader-f16' : ', without shader-f16 (float32 compute)'}`, shaderF16, device);
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
    .filter((k) => !(limits[k] >= NEEDED_STORAGE_BUFFER))
    .map((k) => `${k} ${mib(limits[k] || 0)}, ${mib(NEEDED_STORAGE_BUFFER)} needed`);
  return short.length ? short.join('; ') : null;
}

/** Software renderers by the names their adapters give. */
const SOFTWARE_RENDERERS = /swiftshader|llvmpipe|lavapipe|softpipe|microsoft basic render|\bwarp\b/i;

/** What a software adapter is ("a software renderer (swiftshader)"), or null for a GPU. */
function softwareAdapter(adapter: GPUAdapter): string | null {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo & { isFallbackAdapter?: boolean } }).info;
  const renderer = SOFTWARE_RENDERERS.exec(adapterName(adapter))?.[0];
  if (renderer) return `a software renderer (${renderer.toLowerCase()})`;
  const fallback = info?.isFallbackAdapter ?? (adapter as GPUAdapter & { isFallbackAdapter?: boolean }).isFallbackAdapter;
  return fallback ? "the browser's fallback adapter" : null;
}

function adapterName(adapter: GPUAdapter): string {
  const info = (adapter as GPUAdapter & { info?: GPUAdapterInfo }).info;
  return [info?.vendor, info?.architecture, info?.description].filter(Boolean).join(' ').trim();
}

// The provider list: WebGPU first when an adapter grants what the encoders need, WASM after it;
// each entry that cannot be used says why, and that reason is what the Compute badge shows.
import { describe, expect, it } from 'vitest';
import { ProviderList } from './providers';

const GIB = 2 ** 30;

function gpu(answer: object | null | Error): GPU {
  return { requestAdapter: async () => (answer instanceof Error ? Promise.reject(answer) : answer) } as unknown as GPU;
}

interface AdapterOptions {
  storage?: number;
  features?: string[];
  refuse?: string;
  info?: object;
}

function adapter({ storage = GIB, features = [], refuse = '', info = { vendor: 'acme', architecture: 'rdna', description: '' } }: AdapterOptions = {}) {
  return {
    limits: { maxStorageBufferBindingSize: storage, maxBufferSize: storage },
    features: new Set(features),
    info,
    requestDevice: async () => (refuse ? Promise.reject(new Error(refuse)) : { destroy() {} }),
  };
}

describe('ProviderList', () => {
  it.each([
    ['no WebGPU', undefined, null, 'this browser has no WebGPU'],
    ['forced WASM', gpu(adapter()), 'wasm' as const, 'forced by ?provider=wasm'],
    ['no adapter', gpu(null), null, 'no WebGPU adapter is available'],
    ['a failing adapter request', gpu(new Error('boom')), null, 'the WebGPU adapter request failed (boom)'],
    [
      'small limits',
      gpu(adapter({ storage: 64 * 2 ** 20 })),
      null,
      "the WebGPU adapter's limits are too small (maxStorageBufferBindingSize 64 MiB, 128 MiB needed; maxBufferSize 64 MiB, 128 MiB needed)",
    ],
    ['a refused device', gpu(adapter({ refuse: 'limits' })), null, 'the WebGPU adapter refused a device with the limits the encoders need (limits)'],
  ])('%s: WASM, saying why WebGPU is not used', async (_name, g, forced, reason) => {
    const list = await ProviderList.resolve(g, forced);
    expect(list.choice).toEqual({ provider: 'wasm', reason, shaderF16: false });
  });

  it('a usable adapter: WebGPU first; a failure marks it and WASM takes over with the reason', async () => {
    const list = await ProviderList.resolve(gpu(adapter({ features: ['shader-f16'] })), null);
    expect(list.choice).toEqual({ provider: 'webgpu', reason: 'GPU adapter acme rdna found, with shader-f16', shaderF16: true });
    expect((await ProviderList.resolve(gpu(adapter()), 'webgpu')).choice.reason).toBe('forced by ?provider=webgpu, without shader-f16 (float32 compute)');
    list.markUnavailable('webgpu', 'the WebGPU device was lost (unknown); switched to WASM');
    expect(list.choice).toEqual({ provider: 'wasm', reason: 'the WebGPU device was lost (unknown); switched to WASM', shaderF16: false });
    // WASM is the last resort: it is never taken away.
    list.markUnavailable('wasm', 'no');
    expect(list.choice.provider).toBe('wasm');
  });

  it('a software adapter (SwiftShader, a fallback adapter) counts as no GPU, unless ?provider=webgpu forces it', async () => {
    const swiftshader = adapter({ info: { vendor: 'google', architecture: 'swiftshader', description: '', isFallbackAdapter: true } });
    expect((await ProviderList.resolve(gpu(swiftshader), null)).choice).toEqual({
      provider: 'wasm',
      reason: 'the only WebGPU adapter is a software renderer (swiftshader), which runs on the CPU and is slower than WASM (?provider=webgpu uses it anyway)',
      shaderF16: false,
    });
    const llvmpipe = adapter({ info: { vendor: 'mesa', architecture: '', description: 'llvmpipe (LLVM 15.0.6, 256 bits)' } });
    expect((await ProviderList.resolve(gpu(llvmpipe), null)).choice.reason).toMatch(/^the only WebGPU adapter is a software renderer \(llvmpipe\)/);
    const unnamed = adapter({ info: { vendor: '', architecture: '', description: '', isFallbackAdapter: true } });
    expect((await ProviderList.resolve(gpu(unnamed), null)).choice.reason).toMatch(/^the only WebGPU adapter is the browser's fallback adapter,/);
    expect((await ProviderList.resolve(gpu(swiftshader), 'webgpu')).choice).toEqual({
      provider: 'webgpu',
      reason: 'forced by ?provider=webgpu, without shader-f16 (float32 compute)',
      shaderF16: false,
    });
  });

  it('a GPU not timed yet is named for timing; a timed one goes straight to the faster provider, saying why', async () => {
    const untimed = await ProviderList.resolve(gpu(adapter({ features: ['shader-f16'] })), null);
    expect(untimed.untimedDevice).toBe('acme rdna +shader-f16');
    // Forced, or no usable GPU: nothing to time.
    expect((await ProviderList.resolve(gpu(adapter()), 'webgpu')).untimedDevice).toBeNull();
    expect((await ProviderList.resolve(gpu(null), null)).untimedDevice).toBeNull();

    const slower = { provider: 'wasm' as const, webgpuMs: 812.4, wasmMs: 640.2 };
    const wasmWon = await ProviderList.resolve(gpu(adapter()), null, { 'acme rdna': slower });
    expect(wasmWon.untimedDevice).toBeNull();
    expect(wasmWon.choice).toEqual({
      provider: 'wasm',
      reason: 'WASM is faster here (timed on this device: a batch took 812 ms on WebGPU, 640 ms on WASM)',
      shaderF16: false,
    });
    const gpuWon = await ProviderList.resolve(gpu(adapter()), null, { 'acme rdna': { provider: 'webgpu', webgpuMs: 90, wasmMs: 2900 } });
    expect(gpuWon.choice.provider).toBe('webgpu');
    expect(gpuWon.choice.reason).toBe(
      'GPU adapter acme rdna found, without shader-f16 (float32 compute) (faster than WASM, timed on this device: a batch took 90 ms on WebGPU, 2900 ms on WASM)',
    );
    // Another GPU's timing does not count here; ?provider=webgpu still forces WebGPU.
    expect((await ProviderList.resolve(gpu(adapter()), null, { 'other gpu': slower })).untimedDevice).toBe('acme rdna');
    expect((await ProviderList.resolve(gpu(adapter()), 'webgpu', { 'acme rdna': slower })).choice.provider).toBe('webgpu');

    untimed.settleTiming(slower);
    expect(untimed.untimedDevice).toBeNull();
    expect(untimed.choice.provider).toBe('wasm');
  });
});

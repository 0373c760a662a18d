// ModelHost's WebGPU -> WASM fallback with fake engines: a run that fails the way onnxruntime
// fails on a lost device, a device lost while a run waits, concurrent runs sharing one fallback,
// and errors that are not WebGPU's.
import { beforeEach, describe, expect, it, vi } from 'vitest';
import type { Bundle } from './bundle-sources';
import type { ComputeInfo } from './protocol';
import { ProviderList, type TimedChoice } from './providers';

interface FakeEngine {
  provider: 'webgpu' | 'wasm';
  compute: 'float32';
  resolution: number;
  released: boolean;
  release(): Promise<void>;
  embed(): Promise<string>;
  encodeImages(): Promise<Float32Array[]>;
}

const fake = vi.hoisted(() => ({
  loads: [] as string[],
  /** How the next WebGPU engine's runs behave. */
  webgpuRun: (() => Promise.resolve('webgpu')) as () => Promise<string>,
  device: null as null | { lost: Promise<{ reason: string; message: string }> },
  loseDevice: (() => undefined) as (info: { reason: string; message: string }) => void,
  /** How long an image batch takes on each provider (the timing at the first load on a GPU). */
  batchMs: { webgpu: 1, wasm: 1 } as Record<'webgpu' | 'wasm', number>,
}));

const ort = {
  env: {
    wasm: { numThreads: 2 },
    webgpu: {
      get device() {
        return fake.device;
      },
    },
  },
} as never;

vi.mock('../engine/session/clip-engine', () => ({
  ClipEngine: {
    async load(_ort: unknown, _files: unknown, options: { provider: 'webgpu' | 'wasm' }): Promise<FakeEngine> {
      fake.loads.push(options.provider);
      const engine: FakeEngine = {
        provider: options.provider,
        compute: 'float32',
        resolution: 2,
        released: false,
        async release() {
          engine.released = true;
          fake.loads.push(`release ${options.provider}`);
        },
        embed: options.provider === 'webgpu' ? () => fake.webgpuRun() : async () => 'wasm',
        encodeImages: () => new Promise((resolve) => setTimeout(() => resolve([]), fake.batchMs[options.provider])),
      };
      return engine;
    },
  },
}));

const { ModelHost } = await import('./model-host');

const manifest = { source: { sha256: 'ab'.repeat(32) }, dtype: 'float16', converter: { version: '1.0.0' } };
const bundle = { files: { location: 'test', read: () => Promise.reject(new Error('not read')) }, manifest, name: 'Demo' } as unknown as Bundle;

/** A provider list whose WebGPU adapter grants everything (no shader-f16); by default timed already, WebGPU faster. */
function webgpuProviders(timed: Record<string, TimedChoice> = { 'unnamed GPU': { provider: 'webgpu', webgpuMs: 1, wasmMs: 2 } }): Promise<ProviderList> {
  const adapter = {
    limits: { maxStorageBufferBindingSize: 2 ** 30, maxBufferSize: 2 ** 30 },
    features: new Set(),
    requestDevice: async () => ({ destroy() {} }),
  };
  return ProviderList.resolve({ requestAdapter: async () => adapter } as unknown as GPU, null, timed);
}

async function hostOnWebGpu() {
  const host = new ModelHost(ort, await webgpuProviders());
  await host.load(bundle, () => {});
  expect(host.engine?.provider).toBe('webgpu');
  return host;
}

const embed = (engine: unknown) => (engine as FakeEngine).embed();

describe('ModelHost WebGPU fallback', () => {
  beforeEach(() => {
    fake.loads = [];
    fake.webgpuRun = () => Promise.resolve('webgpu');
    fake.device = { lost: new Promise((resolve) => (fake.loseDevice = resolve)) };
  });

  it('a run that fails as onnxruntime does on a lost device is redone on WASM, and says so', async () => {
    const host = await hostOnWebGpu();
    fake.webgpuRun = () =>
      Promise.reject(
        new Error(
          `failed to call OrtRun(). ERROR_CODE: 1, ERROR_MESSAGE: ${'/build/onnxruntime/core/providers/webgpu/buffer_manager.cc:643 '.repeat(4)}Failed to download data from buffer. wgpu::MapAsyncStatus value: 4, message: Failed to execute 'mapAsync' on 'GPUBuffer': The Device was lost before mapping was resolved.`,
        ),
      );
    const heard: ComputeInfo[] = [];
    await expect(host.run(embed, (c) => heard.push(c))).resolves.toBe('wasm');
    // The old engine is released (its queue drained) before onnxruntime creates the WASM sessions.
    expect(fake.loads).toEqual(['webgpu', 'release webgpu', 'wasm']);
    expect(heard).toHaveLength(1);
    expect(heard[0]!.provider).toBe('wasm');
    expect(heard[0]!.reason).toMatch(/^the WebGPU device was lost \(….*The Device was lost before mapping was resolved\.\); switched to WASM$/);
    expect(heard[0]!.reason.length).toBeLessThan(300);
    expect(host.info?.compute.provider).toBe('wasm');
    // Later runs stay on WASM.
    await expect(host.run(embed, () => {})).resolves.toBe('wasm');
    expect(fake.loads).toEqual(['webgpu', 'release webgpu', 'wasm']);
  });

  it('a run still pending 5 s after its device is lost is given up on; concurrent runs share one WASM engine', async () => {
    vi.useFakeTimers();
    try {
      const host = await hostOnWebGpu();
      fake.webgpuRun = () => new Promise(() => {}); // a run that never ends on a dead device
      const heard: ComputeInfo[] = [];
      const runs = Promise.all([host.run(embed, (c) => heard.push(c)), host.run(embed, (c) => heard.push(c))]);
      fake.loseDevice({ reason: 'unknown', message: 'GPU process crashed' });
      await vi.advanceTimersByTimeAsync(4_000);
      expect(fake.loads).toEqual(['webgpu']); // still waiting for onnxruntime to fail the runs
      await vi.advanceTimersByTimeAsync(1_000);
      await expect(runs).resolves.toEqual(['wasm', 'wasm']);
      expect(fake.loads).toEqual(['webgpu', 'release webgpu', 'wasm']);
      expect(heard.map((c) => c.reason)).toEqual(Array(2).fill('the WebGPU device was lost (unknown: GPU process crashed); switched to WASM'));
    } finally {
      vi.useRealTimers();
    }
  });

  it('a device lost between runs: the next run goes to WASM without touching the GPU', async () => {
    const host = await hostOnWebGpu();
    let gpuRuns = 0;
    fake.webgpuRun = () => (gpuRuns++, Promise.resolve('webgpu'));
    await expect(host.run(embed, () => {})).resolves.toBe('webgpu');
    fake.loseDevice({ reason: 'unknown', message: '' });
    await new Promise((r) => setTimeout(r, 0));
    const heard: ComputeInfo[] = [];
    await expect(host.run(embed, (c) => heard.push(c))).resolves.toBe('wasm');
    expect(gpuRuns).toBe(1);
    expect(heard[0]!.reason).toBe('the WebGPU device was lost (unknown); switched to WASM');
  });

  it('a model loaded after the device was lost (no run in between) does not try the dead device', async () => {
    const host = await hostOnWebGpu();
    fake.loseDevice({ reason: 'unknown', message: 'driver reset' });
    await new Promise((r) => setTimeout(r, 0));
    fake.loads = [];
    const info = await host.load(bundle, () => {});
    expect(fake.loads).toEqual(['wasm', 'release webgpu']);
    expect(info.compute.reason).toBe('the WebGPU device was lost (unknown: driver reset); using WASM until the page is reloaded');
  });

  it("the engine's own argument errors do not switch providers", async () => {
    const host = await hostOnWebGpu();
    fake.webgpuRun = () => Promise.reject(new RangeError('300 tokens: the model reads at most 248'));
    await expect(host.run(embed, () => {})).rejects.toThrow(RangeError);
    expect(host.engine?.provider).toBe('webgpu');
  });

  it('a WebGPU session that cannot be created loads on WASM, with the reason', async () => {
    const { ClipEngine } = await import('../engine/session/clip-engine');
    const load = vi.spyOn(ClipEngine, 'load');
    load.mockImplementationOnce(async () => {
      throw new Error('requestDevice: the adapter cannot grant the required limits');
    });
    const host = new ModelHost(ort, await webgpuProviders());
    const info = await host.load(bundle, () => {});
    expect(info.compute.provider).toBe('wasm');
    expect(info.compute.reason).toBe('the WebGPU session could not be created (requestDevice: the adapter cannot grant the required limits); using WASM');
    load.mockRestore();
  });
});

describe('ModelHost timing WebGPU against WASM on a GPU not timed yet', () => {
  beforeEach(() => {
    fake.loads = [];
    fake.device = null;
  });

  it.each([
    ['WASM', { webgpu: 80, wasm: 5 }, 'wasm', 'release webgpu'],
    ['WebGPU', { webgpu: 5, wasm: 80 }, 'webgpu', 'release wasm'],
  ] as const)('keeps the faster engine (%s here), tells the page, and the next load goes straight to it', async (_name, batchMs, winner, released) => {
    fake.batchMs = batchMs;
    const timed: [string, TimedChoice][] = [];
    const providers = await webgpuProviders({});
    const host = new ModelHost(ort, providers, (device, choice) => timed.push([device, choice]));
    const labels: string[] = [];
    const info = await host.load(bundle, (p) => labels.push(p.label));
    expect(labels).toContain('Timing WebGPU against WASM on this device (once)');
    expect(info.compute.provider).toBe(winner);
    expect(fake.loads).toEqual(['webgpu', 'wasm', released]);
    expect(timed).toHaveLength(1);
    expect(timed[0]![0]).toBe('unnamed GPU');
    expect(timed[0]![1].provider).toBe(winner);
    expect(timed[0]![1].webgpuMs > timed[0]![1].wasmMs).toBe(winner === 'wasm');
    if (winner === 'wasm') expect(info.compute.reason).toMatch(/^WASM is faster here \(timed on this device: a batch took \d+ ms on WebGPU, \d+ ms on WASM\)$/);

    // Another model in the same visit: no second timing.
    fake.loads = [];
    await host.load(bundle, () => {});
    expect(fake.loads).toEqual([winner, `release ${winner}`]);
    expect(timed).toHaveLength(1);

    // The next visit, with the page's memory of it: straight to the winner.
    fake.loads = [];
    const next = new ModelHost(ort, await webgpuProviders(Object.fromEntries(timed)));
    expect((await next.load(bundle, () => {})).compute.provider).toBe(winner);
    expect(fake.loads).toEqual([winner]);
  });
});

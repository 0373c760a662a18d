// Which provider runs the loaded model: the engine is created on the first usable provider of
// the list (providers.ts), and a WebGPU failure while running (a lost device, a failed run)
// moves this visit to WASM once. On a GPU not yet timed, the first load times one warm image
// batch on WebGPU and on WASM and keeps the faster. Where bundles come from is bundle-sources.ts's.
import { modelKey } from '../engine/bundle/identity';
import { IMAGE_BATCH } from '../engine/embed/image-embedder';
import type { BundleFiles } from '../engine/bundle/files';
import { ClipEngine } from '../engine/session/clip-engine';
import type { Ort } from '../engine/session/ort';
import type { Bundle } from './bundle-sources';
import type { ComputeInfo, ModelInfo, TaskProgress } from './protocol';
import type { ProviderList, TimedChoice } from './providers';

interface DeviceWatch {
  /** Why the device was lost; null while it is alive. */
  lost: string | null;
  /** Runs in flight: each is given up on LOST_GRACE_MS after the device is lost. */
  waiting: Set<(e: Error) => void>;
}

class DeviceLostError extends Error {}

/** How long a run (or the old engine's queue) may take to end after its device is lost. */
const LOST_GRACE_MS = 5_000;

const delay = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class ModelHost {
  engine: ClipEngine | null = null;
  info: ModelInfo | null = null;
  /** The loaded model's files: read again for a WebGPU -> WASM fallback. */
  private files: BundleFiles | null = null;
  /** The device under each WebGPU engine, and why it was lost once it is. */
  private readonly lostDevices = new WeakMap<ClipEngine, DeviceWatch>();
  private readonly fallbacks = new WeakMap<ClipEngine, Promise<ClipEngine | null>>();
  /** Why onnxruntime's WebGPU device was lost, once it is. */
  private gpuLost: string | null = null;

  /**
   * `onTimed` hears the outcome of timing WebGPU against WASM on a device (the page remembers
   * it: the next visit goes straight to the faster one).
   */
  constructor(
    private readonly ort: Ort,
    private readonly providers: ProviderList,
    private readonly onTimed: (device: string, choice: TimedChoice) => void = () => undefined,
  ) {}

  computeInfo(): ComputeInfo {
    return { ...this.providers.choice, compute: this.engine?.compute ?? 'float32', wasmThreads: this.ort.env.wasm.numThreads ?? 1 };
  }

  async load(bundle: Bundle, report: (p: TaskProgress) => void): Promise<ModelInfo> {
    const provider = this.providers.choice.provider;
    report({ phase: 'load', label: `Starting ${bundle.name} on ${provider === 'webgpu' ? 'WebGPU' : 'WASM'}`, done: 0, total: 1, rate: 0, etaSeconds: null });
    let engine = await this.createEngine(bundle.files);
    const device = this.providers.untimedDevice;
    if (engine.provider === 'webgpu' && device) {
      report({ phase: 'load', label: 'Timing WebGPU against WASM on this device (once)', done: 0, total: 1, rate: 0, etaSeconds: null });
      engine = await this.faster(engine, bundle.files, device);
    }
    await this.engine?.release();
    this.engine = engine;
    this.files = bundle.files;
    this.info = { key: modelKey(bundle.manifest), name: bundle.name, manifest: bundle.manifest, compute: this.computeInfo() };
    return this.info;
  }

  /**
   * Runs `task` on the engine. A WebGPU failure (a lost device, a failed run) switches this
   * visit to WASM once and runs the task again there; `onFallback` hears the new compute info.
   * onnxruntime fails a run on a lost device by itself (its readback's mapAsync rejects); a run
   * still pending LOST_GRACE_MS after the loss is given up on, so a dead device never hangs the app.
   */
  async run<T>(task: (engine: ClipEngine) => Promise<T>, onFallback: (compute: ComputeInfo) => void): Promise<T> {
    const engine = this.engine;
    if (!engine || !this.info) throw new Error('No model is loaded yet.');
    if (engine.provider !== 'webgpu') return task(engine);
    const watch = this.lostDevices.get(engine);
    let giveUp: ((e: Error) => void) | null = null;
    try {
      if (watch?.lost) throw new DeviceLostError(watch.lost);
      const hung = new Promise<never>((_, reject) => (giveUp = reject));
      if (watch && giveUp) watch.waiting.add(giveUp);
      return await Promise.race([task(engine), hung]);
    } catch (e) {
      // The engine's own argument checks are not WebGPU failures.
      if (e instanceof RangeError) throw e;
      const next = await this.fallBack(engine, watch?.lost ? new DeviceLostError(watch.lost) : e);
      if (!next) throw e;
      onFallback(this.computeInfo());
      return task(next);
    } finally {
      if (watch && giveUp) watch.waiting.delete(giveUp);
    }
  }

  /** The WASM engine that replaces a failed WebGPU one: made once per failed engine, whoever asks. */
  private fallBack(from: ClipEngine, error: unknown): Promise<ClipEngine | null> {
    let next = this.fallbacks.get(from);
    if (!next) {
      next = (async () => {
        const files = this.files;
        if (this.engine !== from || !files) return null;
        this.providers.markUnavailable(
          'webgpu',
          error instanceof DeviceLostError || /device (?:was |is )?lost/i.test(brief(error, Infinity))
            ? `the WebGPU device was lost (${brief(error)}); switched to WASM`
            : `WebGPU failed while running (${brief(error)}); switched to WASM`,
        );
        // One onnxruntime call at a time: let the old engine's queued runs end (they fail fast on
        // a lost device) before WASM sessions are created, unless one of them hangs.
        await Promise.race([from.release().catch(() => undefined), delay(LOST_GRACE_MS)]);
        const wasm = await ClipEngine.load(this.ort, files, { provider: 'wasm', deferImage: true });
        if (this.engine === from) {
          this.engine = wasm;
          if (this.info) this.info = { ...this.info, compute: this.computeInfo() };
        }
        return wasm;
      })();
      this.fallbacks.set(from, next);
    }
    return next;
  }

  /**
   * Times one warm batch of photos on the WebGPU engine and on a WASM one made from the same
   * files, keeps the faster engine and releases the other. Where the timing itself fails, the
   * WebGPU engine stays and the device stays untimed (its failures fall back as usual).
   */
  private async faster(webgpu: ClipEngine, files: BundleFiles, device: string): Promise<ClipEngine> {
    let wasm: ClipEngine | null = null;
    try {
      const webgpuMs = await warmBatchMs(webgpu);
      wasm = await ClipEngine.load(this.ort, files, { provider: 'wasm', deferImage: true });
      const wasmMs = await warmBatchMs(wasm);
      const choice: TimedChoice = { provider: wasmMs < webgpuMs ? 'wasm' : 'webgpu', webgpuMs, wasmMs };
      this.providers.settleTiming(choice);
      this.onTimed(device, choice);
      const [kept, dropped] = choice.provider === 'wasm' ? [wasm, webgpu] : [webgpu, wasm];
      await dropped.release();
      return kept;
    } catch {
      await wasm?.release().catch(() => undefined);
      return webgpu;
    }
  }

  /** The engine on the first usable provider; a WebGPU session that cannot be created marks WebGPU and falls to WASM. */
  private async createEngine(files: BundleFiles): Promise<ClipEngine> {
    // onnxruntime keeps one device for the visit: once it is lost, WebGPU is over until a reload.
    if (this.gpuLost && this.providers.choice.provider === 'webgpu')
      this.providers.markUnavailable('webgpu', `the WebGPU device was lost (${this.gpuLost}); using WASM until the page is reloaded`);
    const choice = this.providers.choice;
    if (choice.provider === 'webgpu') {
      try {
        const engine = await ClipEngine.load(this.ort, files, { provider: 'webgpu', shaderF16: choice.shaderF16, deferImage: true });
        await this.watchDevice(engine);
        return engine;
      } catch (e) {
        this.providers.markUnavailable('webgpu', `the WebGPU session could not be created (${brief(e)}); using WASM`);
      }
    }
    return ClipEngine.load(this.ort, files, { provider: 'wasm', deferImage: true });
  }

  /** Notes when the GPU device under a WebGPU engine is lost (driver reset, GPU process crash, eviction). */
  private async watchDevice(engine: ClipEngine): Promise<void> {
    try {
      const device = (await (this.ort.env.webgpu as { device?: unknown }).device) as GPUDevice | undefined;
      if (!device?.lost) return;
      const watch: DeviceWatch = { lost: null, waiting: new Set() };
      void device.lost.then((info) => {
        watch.lost = `${info.reason ?? 'unknown'}${info.message ? `: ${info.message}` : ''}`;
        this.gpuLost ??= watch.lost;
        const why = new DeviceLostError(watch.lost);
        setTimeout(() => {
          for (const giveUp of watch.waiting) giveUp(why);
        }, LOST_GRACE_MS);
      });
      this.lostDevices.set(engine, watch);
    } catch {
      // No device to watch: a run on a lost device still fails and falls back.
    }
  }
}

/** An error short enough for the Compute line: onnxruntime's carry source paths; the end says what happened. */
function brief(error: unknown, max = 200): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length <= max ? message : `…${message.slice(-max).replace(/^\S*\s/, '')}`;
}

/** Milliseconds for one batch of IMAGE_BATCH photos, after a first run of the same shape (shader compilation, allocation). */
async function warmBatchMs(engine: ClipEngine): Promise<number> {
  const r = engine.resolution;
  const pixels = new Float32Array(IMAGE_BATCH * 3 * r * r);
  for (let i = 0; i < pixels.length; i++) pixels[i] = ((i * 7919) % 255) / 127.5 - 1;
  await engine.encodeImages(pixels, IMAGE_BATCH);
  const t0 = performance.now();
  await engine.encodeImages(pixels, IMAGE_BATCH);
  return performance.now() - t0;
}

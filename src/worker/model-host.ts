import { convertCheckpoint } from '../engine/bundle/convert';
import { blobBundleFiles, readManifest, urlBundleFiles, type BundleFiles } from '../engine/bundle/files';
import { BUNDLE_FILES, type BundleManifest } from '../engine/bundle/manifest';
import { BlobBundleOutput } from '../engine/bundle/output';
import type { WeightDType } from '../engine/graph/weights';
import { BlobSource } from '../engine/io/source';
import { ClipEngine } from '../engine/session/clip-engine';
import type { LibraryDb } from '../library/db';
import type { CatalogEntry } from '../models/catalog';
import type { ComputeInfo, ModelInfo, ModelSource, PartialDownload, StoredModel, TaskProgress } from './protocol';
import type { ProviderChoice } from './compute';
import { download, partialDownloads, type DownloadProgress } from './download';
import { ort } from './ort-setup';
import { deleteBundle, modelKey, storeBundle, storedBundleFiles } from './model-storage';

type Report = (p: TaskProgress) => void;

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

/** Owns the loaded model: gets bundles from any source, keeps them in storage, runs the engine. */
export class ModelHost {
  engine: ClipEngine | null = null;
  info: ModelInfo | null = null;
  /** Where each loaded model's files can be read again (for a WebGPU -> WASM fallback). */
  private readonly sources = new Map<string, BundleFiles>();
  /** The device under each WebGPU engine, and why it was lost once it is. */
  private readonly lostDevices = new WeakMap<ClipEngine, DeviceWatch>();
  private readonly fallbacks = new WeakMap<ClipEngine, Promise<ClipEngine | null>>();
  /** Why onnxruntime's WebGPU device was lost, once it is. */
  private gpuLost: string | null = null;

  constructor(private readonly db: LibraryDb, private choice: ProviderChoice) {}

  computeInfo(): ComputeInfo {
    return { ...this.choice, compute: this.engine?.compute ?? 'float32', wasmThreads: ort.env.wasm.numThreads ?? 1 };
  }

  async list(): Promise<{ stored: StoredModel[]; hosted: string[]; partial: PartialDownload[] }> {
    const stored = (await this.db.getAll('models')).map(({ key, name, bytes, storedAt, manifest }) => ({ key, name, bytes, storedAt, manifest }));
    const partial = (await partialDownloads()).map((m) => ({ url: m.url, done: m.parts.reduce((a, b) => a + b, 0), total: m.total }));
    return { stored: stored.sort((a, b) => b.storedAt - a.storedAt), hosted: await hostedModels(), partial };
  }

  async remove(key: string): Promise<void> {
    if (this.info?.key === key) throw new Error('This model is in use; load another one before deleting it.');
    await deleteBundle(this.db, key);
  }

  async load(source: ModelSource, signal: AbortSignal, report: Report): Promise<ModelInfo> {
    const { files, manifest, name } = await this.bundleFrom(source, signal, report);
    signal.throwIfAborted();
    report({ phase: 'load', label: `Starting ${name} on ${this.choice.provider === 'webgpu' ? 'WebGPU' : 'WASM'}`, done: 0, total: 1, rate: 0, etaSeconds: null });
    const engine = await this.createEngine(files);
    await this.engine?.release();
    this.engine = engine;
    const key = modelKey(manifest);
    this.info = { key, name, manifest, compute: this.computeInfo() };
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
        const key = this.info?.key;
        const files = key ? this.sources.get(key) : undefined;
        if (this.engine !== from || !files) return null;
        this.choice = {
          provider: 'wasm',
          reason:
            error instanceof DeviceLostError || /device (?:was |is )?lost/i.test(brief(error, Infinity))
              ? `the WebGPU device was lost (${brief(error)}); switched to WASM`
              : `WebGPU failed while running (${brief(error)}); switched to WASM`,
          shaderF16: false,
        };
        // One onnxruntime call at a time: let the old engine's queued runs end (they fail fast on
        // a lost device) before WASM sessions are created, unless one of them hangs.
        await Promise.race([from.release().catch(() => undefined), delay(LOST_GRACE_MS)]);
        const wasm = await ClipEngine.load(ort, files, { provider: 'wasm' });
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

  private async createEngine(files: BundleFiles): Promise<ClipEngine> {
    // onnxruntime keeps one device for the visit: once it is lost, WebGPU is over until a reload.
    if (this.choice.provider === 'webgpu' && this.gpuLost) this.choice = { provider: 'wasm', reason: `the WebGPU device was lost (${this.gpuLost}); using WASM until the page is reloaded`, shaderF16: false };
    if (this.choice.provider === 'webgpu') {
      try {
        const engine = await ClipEngine.load(ort, files, { provider: 'webgpu', shaderF16: this.choice.shaderF16 });
        await this.watchDevice(engine);
        return engine;
      } catch (e) {
        this.choice = { provider: 'wasm', reason: `the WebGPU session could not be created (${brief(e)}); using WASM`, shaderF16: false };
      }
    }
    return ClipEngine.load(ort, files, { provider: 'wasm' });
  }

  /** Notes when the GPU device under a WebGPU engine is lost (driver reset, GPU process crash, eviction). */
  private async watchDevice(engine: ClipEngine): Promise<void> {
    try {
      const device = (await (ort.env.webgpu as { device?: unknown }).device) as GPUDevice | undefined;
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

  private async bundleFrom(source: ModelSource, signal: AbortSignal, report: Report): Promise<{ files: BundleFiles; manifest: BundleManifest; name: string }> {
    switch (source.kind) {
      case 'stored': {
        const record = await this.db.get('models', source.key);
        if (!record) throw new Error('That model is no longer stored; import or download it again.');
        return this.remember({ files: storedBundleFiles(record), manifest: record.manifest, name: record.name }, record.key);
      }
      case 'hosted': {
        report({ phase: 'download', label: `Reading the bundle ${source.name}`, done: 0, total: 1, rate: 0, etaSeconds: null });
        const remote = urlBundleFiles(new URL(`/models/${encodeURIComponent(source.name)}/`, self.location.origin).href);
        const manifest = await readManifest(remote);
        const files = await readAll(remote, manifest);
        return this.keep(manifest, files, source.name, `hosted:${source.name}`);
      }
      case 'files':
        return this.fromFiles(source.files, source.dtype, signal, report);
      case 'builtin':
        return this.fromCatalog(source.entry, source.dtype, signal, report);
    }
  }

  private async fromCatalog(entry: CatalogEntry, dtype: WeightDType, signal: AbortSignal, report: Report) {
    const existing = (await this.db.getAll('models')).find((m) => m.origin === `builtin:${entry.id}` && m.manifest.dtype === dtype);
    if (existing) return this.remember({ files: storedBundleFiles(existing), manifest: existing.manifest, name: existing.name }, existing.key);
    const progress = (label: string) => (p: DownloadProgress) =>
      report({ phase: 'download', label: p.note ? `${label}: ${p.note}` : label, done: p.done, total: p.total, rate: p.bytesPerSecond, etaSeconds: p.etaSeconds });
    const mergesFile = await download(entry.mergesUrl, { expectedSize: entry.mergesSize, tolerance: 0, sha256: null }, progress(`Downloading ${entry.name} (tokenizer)`), signal);
    let merges: Uint8Array;
    try {
      merges = new Uint8Array(await mergesFile.blob.arrayBuffer());
    } finally {
      await mergesFile.discard();
    }
    const checkpoint = await download(
      entry.checkpointUrl,
      { expectedSize: entry.checkpointSize, tolerance: entry.sizeTolerance, sha256: entry.checkpointSha256 },
      progress(`Downloading ${entry.name}`),
      signal,
    );
    // Only a whole, checked file gets here; its parts are deleted once it is converted (or not).
    try {
      const name = entry.checkpointUrl.split('/').pop()!;
      return await this.convert(new File([checkpoint.blob], name), merges, dtype, entry.name, `builtin:${entry.id}`, signal, report);
    } finally {
      await checkpoint.discard();
    }
  }

  private async fromFiles(files: File[], dtype: WeightDType, signal: AbortSignal, report: Report) {
    const byName = new Map(files.map((f) => [f.name, f]));
    if (byName.has(BUNDLE_FILES.manifest)) {
      const local = blobBundleFiles(byName, 'the imported files');
      const manifest = await readManifest(local);
      const missing = Object.values(manifest.files).filter((f) => !byName.has(f.path)).map((f) => f.path);
      if (missing.length) throw new Error(`The bundle is incomplete: select ${missing.join(', ')} together with manifest.json.`);
      const kept = new Map(Object.values(manifest.files).map((f) => [f.path, byName.get(f.path)!] as const));
      kept.set(BUNDLE_FILES.manifest, byName.get(BUNDLE_FILES.manifest)!);
      return this.keep(manifest, kept, manifest.source.fileName.replace(/\.(pt|safetensors|bin)$/i, ''), 'import');
    }
    const checkpoint = files.find((f) => /\.(pt|pth|bin|safetensors)$/i.test(f.name));
    const merges = files.find((f) => /\.txt\.gz$/i.test(f.name) || /bpe.*\.txt$/i.test(f.name));
    if (!checkpoint || !merges) {
      throw new Error('Import needs a checkpoint (.pt or .safetensors) together with the merges file bpe_simple_vocab_16e6.txt.gz, or all the files of a converted bundle (manifest.json and the files it lists).');
    }
    return this.convert(checkpoint, new Uint8Array(await merges.arrayBuffer()), dtype, checkpoint.name.replace(/\.[^.]+$/, ''), 'import', signal, report);
  }

  private async convert(checkpoint: File, merges: Uint8Array, dtype: WeightDType, name: string, origin: string, signal: AbortSignal, report: Report) {
    const out = new BlobBundleOutput();
    const started = performance.now();
    const manifest = await convertCheckpoint(new BlobSource(checkpoint), merges, out, {
      dtype,
      signal,
      onProgress: ({ fraction }) => {
        const seconds = (performance.now() - started) / 1000;
        report({ phase: 'convert', label: `Converting ${checkpoint.name}`, done: fraction, total: 1, rate: fraction / Math.max(seconds, 0.001), etaSeconds: fraction > 0.02 ? (seconds * (1 - fraction)) / fraction : null });
      },
    });
    return this.keep(manifest, out.files, name, origin);
  }

  /** Stores the bundle; if storage is full the model still runs from memory for this visit. */
  private async keep(manifest: BundleManifest, files: ReadonlyMap<string, Blob>, name: string, origin: string) {
    const key = modelKey(manifest);
    try {
      const record = await storeBundle(this.db, manifest, files, name, origin);
      return this.remember({ files: storedBundleFiles(record), manifest, name }, key);
    } catch (e) {
      console.warn(e);
      return this.remember({ files: blobBundleFiles(files), manifest, name }, key);
    }
  }

  private remember<T extends { files: BundleFiles }>(bundle: T, key: string): T {
    this.sources.set(key, bundle.files);
    return bundle;
  }
}

/** An error short enough for the Compute line: onnxruntime's carry source paths; the end says what happened. */
function brief(error: unknown, max = 200): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.length <= max ? message : `…${message.slice(-max).replace(/^\S*\s/, '')}`;
}

async function readAll(files: BundleFiles, manifest: BundleManifest): Promise<Map<string, Blob>> {
  const out = new Map<string, Blob>();
  out.set(BUNDLE_FILES.manifest, new Blob([JSON.stringify(manifest)]));
  for (const f of Object.values(manifest.files)) out.set(f.path, new Blob([(await files.read(f.path)) as Uint8Array<ArrayBuffer>]));
  return out;
}

async function hostedModels(): Promise<string[]> {
  try {
    const res = await fetch('/models/index.json', { cache: 'no-store' });
    if (!res.ok) return [];
    const json = (await res.json()) as { models?: unknown };
    return Array.isArray(json.models) ? json.models.filter((m): m is string => typeof m === 'string') : [];
  } catch {
    return [];
  }
}

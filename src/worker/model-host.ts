import { convertCheckpoint } from '../engine/bundle/convert';
import { blobBundleFiles, readManifest, urlBundleFiles, type BundleFiles } from '../engine/bundle/files';
import { BUNDLE_FILES, type BundleManifest } from '../engine/bundle/manifest';
import { BlobBundleOutput } from '../engine/bundle/output';
import type { WeightDType } from '../engine/graph/weights';
import { BlobSource } from '../engine/io/source';
import { ClipEngine } from '../engine/session/clip-engine';
import type { LibraryDb } from '../library/db';
import type { CatalogEntry } from '../models/catalog';
import type { ComputeInfo, ModelInfo, ModelSource, StoredModel, TaskProgress } from './protocol';
import type { ProviderChoice } from './compute';
import { download } from './download';
import { ort } from './ort-setup';
import { deleteBundle, modelKey, storeBundle, storedBundleFiles } from './model-storage';

type Report = (p: TaskProgress) => void;

/** Owns the loaded model: gets bundles from any source, keeps them in storage, runs the engine. */
export class ModelHost {
  engine: ClipEngine | null = null;
  info: ModelInfo | null = null;
  /** Where each loaded model's files can be read again (for a WebGPU -> WASM fallback). */
  private readonly sources = new Map<string, BundleFiles>();

  constructor(private readonly db: LibraryDb, private choice: ProviderChoice) {}

  computeInfo(): ComputeInfo {
    return { ...this.choice, compute: this.engine?.compute ?? 'float32', wasmThreads: ort.env.wasm.numThreads ?? 1 };
  }

  async list(): Promise<{ stored: StoredModel[]; hosted: string[] }> {
    const stored = (await this.db.getAll('models')).map(({ key, name, bytes, storedAt, manifest }) => ({ key, name, bytes, storedAt, manifest }));
    return { stored: stored.sort((a, b) => b.storedAt - a.storedAt), hosted: await hostedModels() };
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

  /** Runs `task` on the engine; a WebGPU failure (a lost device, a failed session) falls back to WASM once. */
  async run<T>(task: (engine: ClipEngine) => Promise<T>, onFallback: (compute: ComputeInfo) => void): Promise<T> {
    const engine = this.engine;
    if (!engine || !this.info) throw new Error('No model is loaded yet.');
    try {
      return await task(engine);
    } catch (e) {
      if (engine.provider !== 'webgpu') throw e;
      this.choice = { provider: 'wasm', reason: `WebGPU failed while running (${(e as Error).message}); switched to WASM`, shaderF16: false };
      const files = this.sources.get(this.info.key);
      if (!files) throw e;
      this.engine = await this.createEngine(files);
      void engine.release().catch(() => undefined);
      this.info = { ...this.info, compute: this.computeInfo() };
      onFallback(this.info.compute);
      return task(this.engine);
    }
  }

  private async createEngine(files: BundleFiles): Promise<ClipEngine> {
    if (this.choice.provider === 'webgpu') {
      try {
        return await ClipEngine.load(ort, files, { provider: 'webgpu', shaderF16: this.choice.shaderF16 });
      } catch (e) {
        this.choice = { provider: 'wasm', reason: `the WebGPU session could not be created (${(e as Error).message}); using WASM`, shaderF16: false };
      }
    }
    return ClipEngine.load(ort, files, { provider: 'wasm' });
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
    const merges = await download(entry.mergesUrl, { expectedSize: entry.mergesSize, tolerance: 0, sha256: null }, () => {}, signal);
    const checkpoint = await download(
      entry.checkpointUrl,
      { expectedSize: entry.checkpointSize, tolerance: entry.sizeTolerance, sha256: entry.checkpointSha256 },
      (p) => report({ phase: 'download', label: `Downloading ${entry.name}`, done: p.done, total: p.total, rate: p.bytesPerSecond, etaSeconds: p.etaSeconds }),
      signal,
    );
    const name = entry.checkpointUrl.split('/').pop()!;
    return this.convert(new File([checkpoint], name), new Uint8Array(await merges.arrayBuffer()), dtype, entry.name, `builtin:${entry.id}`, signal, report);
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

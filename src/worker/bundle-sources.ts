// Where model bundles come from: the built-in catalog (downloaded and converted here), files
// the user picked (a checkpoint to convert, or a converted bundle), a bundle the app serves
// (public/models/<name>/), or one kept in browser storage. Which provider runs it is model-host.ts's.
import { convertCheckpoint } from '../engine/bundle/convert';
import { blobBundleFiles, readManifest, urlBundleFiles, type BundleFiles } from '../engine/bundle/files';
import { CHECKPOINT_FILE, modelNameOf } from '../engine/bundle/identity';
import { BUNDLE_FILES, type BundleManifest } from '../engine/bundle/manifest';
import { BlobBundleOutput } from '../engine/bundle/output';
import type { WeightDType } from '../engine/graph/weights';
import { BlobSource } from '../engine/io/source';
import type { LibraryDb } from '../library/db';
import type { CatalogEntry } from '../models/catalog';
import { download, partialDownloads, UnreachableError, type DownloadProgress } from './download';
import { deleteBundle, storeBundle, storedBundleFiles } from './model-storage';
import type { ModelSource, PartialDownload, StoredModel, TaskProgress } from './protocol';

type Report = (p: TaskProgress) => void;

/** A model's files, wherever they are, its manifest, and the name it goes by. */
export interface Bundle {
  files: BundleFiles;
  manifest: BundleManifest;
  name: string;
}

export class BundleSources {
  constructor(private readonly db: LibraryDb) {}

  async list(): Promise<{ stored: StoredModel[]; hosted: string[]; partial: PartialDownload[] }> {
    const stored = (await this.db.getAll('models')).map(({ key, name, bytes, storedAt, manifest }) => ({ key, name, bytes, storedAt, manifest }));
    const partial = (await partialDownloads()).map((m) => ({ url: m.url, done: m.parts.reduce((a, b) => a + b, 0), total: m.total }));
    return { stored: stored.sort((a, b) => b.storedAt - a.storedAt), hosted: await hostedModels(), partial };
  }

  remove(key: string): Promise<void> {
    return deleteBundle(this.db, key);
  }

  /** The bundle of a source: downloaded, converted and stored as needed (storage full: it runs from memory for this visit). */
  async resolve(source: ModelSource, signal: AbortSignal, report: Report): Promise<Bundle> {
    switch (source.kind) {
      case 'stored': {
        const record = await this.db.get('models', source.key);
        if (!record) throw new Error('That model is no longer stored; import or download it again.');
        return { files: storedBundleFiles(record), manifest: record.manifest, name: record.name };
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

  private async fromCatalog(entry: CatalogEntry, dtype: WeightDType, signal: AbortSignal, report: Report): Promise<Bundle> {
    const existing = (await this.db.getAll('models')).find((m) => m.origin === `builtin:${entry.id}` && m.manifest.dtype === dtype);
    if (existing) return { files: storedBundleFiles(existing), manifest: existing.manifest, name: existing.name };
    const progress = (label: string) => (p: DownloadProgress) =>
      report({
        phase: 'download',
        label: p.note ? `${label}: ${p.note}` : label,
        done: p.done,
        total: p.total,
        rate: p.bytesPerSecond,
        etaSeconds: p.etaSeconds,
      });
    const mergesFile = await download(
      entry.mergesUrl,
      { expectedSize: entry.mergesSize, tolerance: 0, sha256: null },
      progress(`Downloading ${entry.name} (tokenizer)`),
      signal,
    ).catch(unreachable(entry.name));
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
    ).catch(unreachable(entry.name));
    // Only a whole, checked file gets here; its parts are deleted once it is converted (or not).
    try {
      const name = entry.checkpointUrl.split('/').pop()!;
      return await this.convert(new File([checkpoint.blob], name), merges, dtype, entry.name, `builtin:${entry.id}`, signal, report);
    } finally {
      await checkpoint.discard();
    }
  }

  private async fromFiles(files: File[], dtype: WeightDType, signal: AbortSignal, report: Report): Promise<Bundle> {
    const byName = new Map(files.map((f) => [f.name, f]));
    if (byName.has(BUNDLE_FILES.manifest)) {
      const local = blobBundleFiles(byName, 'the imported files');
      const manifest = await readManifest(local);
      const missing = Object.values(manifest.files)
        .filter((f) => !byName.has(f.path))
        .map((f) => f.path);
      if (missing.length) throw new Error(`The bundle is incomplete: select ${missing.join(', ')} together with manifest.json.`);
      const kept = new Map(Object.values(manifest.files).map((f) => [f.path, byName.get(f.path)!] as const));
      kept.set(BUNDLE_FILES.manifest, byName.get(BUNDLE_FILES.manifest)!);
      return this.keep(manifest, kept, modelNameOf(manifest.source.fileName), 'import');
    }
    const checkpoint = files.find((f) => CHECKPOINT_FILE.test(f.name));
    const merges = files.find((f) => /\.txt\.gz$/i.test(f.name) || /bpe.*\.txt$/i.test(f.name));
    if (!checkpoint || !merges) {
      throw new Error(
        'Import needs a checkpoint (.pt or .safetensors) together with the merges file bpe_simple_vocab_16e6.txt.gz, or all the files of a converted bundle (manifest.json and the files it lists).',
      );
    }
    return this.convert(checkpoint, new Uint8Array(await merges.arrayBuffer()), dtype, modelNameOf(checkpoint.name), 'import', signal, report);
  }

  private async convert(
    checkpoint: File,
    merges: Uint8Array,
    dtype: WeightDType,
    name: string,
    origin: string,
    signal: AbortSignal,
    report: Report,
  ): Promise<Bundle> {
    const out = new BlobBundleOutput();
    const started = performance.now();
    const manifest = await convertCheckpoint(new BlobSource(checkpoint), merges, out, {
      dtype,
      signal,
      onProgress: ({ fraction }) => {
        const seconds = (performance.now() - started) / 1000;
        report({
          phase: 'convert',
          label: `Converting ${checkpoint.name}`,
          done: fraction,
          total: 1,
          rate: fraction / Math.max(seconds, 0.001),
          etaSeconds: fraction > 0.02 ? (seconds * (1 - fraction)) / fraction : null,
        });
      },
    });
    return this.keep(manifest, out.files, name, origin);
  }

  /** Stores the bundle; if storage is full the model still runs from memory for this visit. */
  private async keep(manifest: BundleManifest, files: ReadonlyMap<string, Blob>, name: string, origin: string): Promise<Bundle> {
    try {
      const record = await storeBundle(this.db, manifest, files, name, origin);
      return { files: storedBundleFiles(record), manifest, name };
    } catch (e) {
      console.warn(e);
      return { files: blobBundleFiles(files), manifest, name };
    }
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

/** A server that cannot be reached, said in one sentence that names the model and offers Import (the download's own words stay as the cause). */
function unreachable(model: string): (e: unknown) => never {
  return (e) => {
    if (e instanceof UnreachableError) {
      throw new Error(
        `${model} could not be downloaded: its server cannot be reached (are you offline?). Use Import model with its files instead, or try again later.`,
        {
          cause: e,
        },
      );
    }
    throw e;
  };
}

// The benchmark's browser side, exposed to Playwright as window.bench. Bench-only page: served by
// the dev server that bench/browser.ts starts, under /bench/page/; not part of the app's build.
// Everything measured runs in a dedicated worker (bench-worker.ts), except indexApp, which drives
// the app's own inference worker through its client.
import type { Provider } from '../../src/engine/session/ort';
import { LibraryConnection } from '../../src/library/connection';
import { enqueue } from '../../src/library/queue';
import { EngineClient } from '../../src/worker/client';
import { NO_DEBUG } from '../../src/worker/debug-flags';
import type { BenchRequest, BenchResults, FromWorker, IndexReplicaArgs } from './protocol';

let worker: Worker | null = null;
let nextId = 1;
const pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();

function benchWorker(): Worker {
  if (worker) return worker;
  const w = new Worker(new URL('./bench-worker.ts', import.meta.url), { type: 'module', name: 'bench' });
  w.addEventListener('message', (e: MessageEvent<FromWorker>) => {
    const m = e.data;
    if ('log' in m) {
      console.log(m.log);
      return;
    }
    const waiting = pending.get(m.id);
    if (!waiting) return;
    pending.delete(m.id);
    if (m.ok) waiting.resolve(m.value);
    else waiting.reject(new Error(m.error));
  });
  w.addEventListener('error', (e) => {
    const error = new Error(`bench worker failed: ${e.message || 'unknown error'}`);
    for (const p of pending.values()) p.reject(error);
    pending.clear();
  });
  worker = w;
  return w;
}

function call<T extends BenchRequest['type']>(request: Extract<BenchRequest, { type: T }>): Promise<BenchResults[T]> {
  const id = nextId++;
  return new Promise<BenchResults[T]>((resolve, reject) => {
    pending.set(id, { resolve: resolve as (v: unknown) => void, reject });
    benchWorker().postMessage({ id, request });
  });
}

function filesOf(id: string): File[] {
  const files = (document.getElementById(id) as HTMLInputElement).files;
  if (!files?.length) throw new Error(`no files in #${id}`);
  return Array.from(files);
}

const bench = {
  pageInfo() {
    return { crossOriginIsolated: self.crossOriginIsolated, hardwareConcurrency: navigator.hardwareConcurrency, userAgent: navigator.userAgent };
  },

  async gpuInfo() {
    const adapter = await navigator.gpu?.requestAdapter();
    const info = adapter?.info;
    return {
      hasGpu: !!adapter,
      shaderF16: adapter?.features.has('shader-f16') ?? false,
      vendor: info?.vendor ?? '',
      architecture: info?.architecture ?? '',
      description: info?.description ?? '',
    };
  },

  workerInfo: () => call({ type: 'info' }),
  engine: (args: Extract<BenchRequest, { type: 'engine' }>['args']) => call({ type: 'engine', args }),
  torchExport: (args: Extract<BenchRequest, { type: 'torch-export' }>['args']) => call({ type: 'torch-export', args }),
  rank: (args: Extract<BenchRequest, { type: 'rank' }>['args']) => call({ type: 'rank', args }),

  /** Converts the File in #checkpoint with the merges in #vocab, in the worker (as the app's worker does). */
  async convert(dtype: 'float32' | 'float16') {
    const [checkpoint] = filesOf('checkpoint');
    const merges = new Uint8Array(await filesOf('vocab')[0]!.arrayBuffer());
    return call({ type: 'convert', args: { checkpoint: checkpoint!, merges, dtype } });
  },

  /** The indexing loop replicated in the bench worker, on the Files in #photos. */
  indexReplica(args: Omit<IndexReplicaArgs, 'files'>) {
    const files = filesOf('photos').map((file) => ({ file, path: file.name }));
    return call({ type: 'index-replica', args: { ...args, files } });
  },

  /**
   * The app's own path: its inference worker (src/worker/engine-worker.ts) through its client,
   * with the bundle imported from the Files in #bundle and the photos in #photos queued in the
   * library and indexed as the app indexes them (IndexedDB writes, thumbnails and all). Times
   * the `index-queue` request only.
   */
  async indexApp(provider: Provider) {
    const appWorker = new Worker(new URL('../../src/worker/engine-worker.ts', import.meta.url), { type: 'module', name: 'longclip-engine' });
    const client = new EngineClient(appWorker);
    try {
      const compute = await client.call({ type: 'init', forceProvider: provider, timedProviders: {}, debug: NO_DEBUG });
      const t0 = performance.now();
      const model = await client.call({ type: 'load-model', source: { kind: 'files', files: filesOf('bundle'), dtype: 'float32' } });
      const load_s = (performance.now() - t0) / 1000;
      await enqueue(
        await new LibraryConnection().open(),
        filesOf('photos').map((file) => ({ file, path: `photos/${file.name}` })),
      );
      const t1 = performance.now();
      const summary = await client.call({ type: 'index-queue', join: false });
      const seconds = (performance.now() - t1) / 1000;
      return {
        provider: compute.provider,
        modelCompute: model.compute,
        load_s,
        photos: summary.embedded,
        skipped: summary.skipped.length,
        seconds,
        photos_per_s: summary.embedded / seconds,
      };
    } finally {
      appWorker.terminate();
    }
  },

  terminate() {
    worker?.terminate();
    worker = null;
  },
};

declare global {
  interface Window {
    bench: typeof bench;
  }
}
window.bench = bench;
document.body.dataset.ready = 'true';

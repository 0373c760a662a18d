/// <reference lib="webworker" />
// The inference worker: owns onnxruntime-web, the model, the embedding matrix for ranking and
// the indexing pipeline. It speaks the protocol in protocol.ts and nothing else.
import { preprocessClip } from '../engine/preprocess/clip-preprocess';
import { EmbeddingMatrix } from '../engine/rank';
import { CLOSED_BY_BROWSER, isVersionError, openLibraryDb, UPDATED_IN_ANOTHER_TAB, type ClosedReason, type LibraryDb } from '../library/db';
import { checkLibrary } from '../library/integrity';
import { clearQueue } from '../library/queue';
import { chooseProvider } from './compute';
import { indexFiles, indexQueue, type IndexContext } from './indexer';
import { exportIndex, importIndex } from './index-transfer';
import { ModelHost } from './model-host';
import { decodePhoto } from './photo-decode';
import { PauseGate } from './pause-gate';
import { search } from './search';
import { duplicateGroups } from './duplicate-search';
import type { Envelope, ModelInfo, QueueRunSummary, Request, RequestOf, ResultOf, TaskProgress, WorkerMessage } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

let db: LibraryDb | null = null;
let host: ModelHost | null = null;
let matrix: EmbeddingMatrix | null = null;
let embeddedSinceLoad = 0;
const gate = new PauseGate((paused) => post({ type: 'indexing-state', paused }));
const running = new Map<number, AbortController>();
/** Set once the database was closed under this page (another tab upgraded it): nothing reopens it. */
let closed: ClosedReason | null = null;
/** The run over the persisted queue, while one goes. */
let queueRun: { controller: AbortController; more: boolean; done: Promise<void> } | null = null;
/** One tab indexes at a time: the others wait for this lock (and take over the queue when that tab closes). */
const INDEX_LOCK = 'longclip-search:indexing';
/** Embeddings written here are announced to the other tabs' workers, whose rankings take them in. */
const channel = typeof BroadcastChannel === 'function' ? new BroadcastChannel('longclip-search:indexed') : null;

function post(message: WorkerMessage): void {
  self.postMessage(message);
}

async function database(): Promise<LibraryDb> {
  if (closed) throw new Error(closed === 'versionchange' ? UPDATED_IN_ANOTHER_TAB : CLOSED_BY_BROWSER);
  try {
    db ??= await openLibraryDb({
      onClosed(reason) {
        db = null;
        closed = reason;
        queueRun?.controller.abort('closed');
      },
    });
  } catch (e) {
    if (isVersionError(e)) throw new Error(UPDATED_IN_ANOTHER_TAB);
    throw e;
  }
  return db;
}

/** The ranking matrix of a model, from the index. */
async function loadMatrix(info: ModelInfo): Promise<EmbeddingMatrix> {
  const m = new EmbeddingMatrix(info.manifest.architecture.embedDim);
  for (const record of await (await database()).getAllFromIndex('embeddings', 'by-model', info.key)) m.add(record.hash, record.vector);
  return m;
}

/** Stops the queue run (it stays queued) and waits until it has ended. */
async function stopQueueRun(reason: 'model-changed' | 'closed'): Promise<void> {
  const run = queueRun;
  if (!run) return;
  run.controller.abort(reason);
  await run.done;
}

/** Runs `task` holding the indexing lock; `onWait` is called when another tab holds it. */
async function withIndexLock(signal: AbortSignal, onWait: () => void, task: () => Promise<void>): Promise<void> {
  const locks = (self.navigator as Navigator & { locks?: LockManager }).locks;
  if (!locks) return task();
  const got = await locks.request(INDEX_LOCK, { ifAvailable: true }, async (lock) => {
    if (!lock) return false;
    await task();
    return true;
  });
  if (got) return;
  onWait();
  await locks.request(INDEX_LOCK, { signal }, task);
}

function queueSummary(joined: boolean): QueueRunSummary {
  return { files: 0, embedded: 0, skipped: [], cancelled: false, joined, waitingForPermission: 0, left: 0, stopped: null };
}

function indexContext(signal: AbortSignal, progress: (p: TaskProgress) => void, tests: { delayMs?: number; storageFullAfter?: number } = {}): Promise<IndexContext> {
  const { host: h, info, matrix: m } = needModel();
  return database().then((d) => ({
    db: d,
    modelKey: info.key,
    matrix: m,
    embed: (run) =>
      h.run(run, (compute) => post({ type: 'compute', compute })).then((vectors) => {
        // A model loaded meanwhile would give vectors of another model: never store them under this one.
        if (h.info?.key !== info.key) throw new Error('the model changed during indexing');
        return vectors;
      }),
    resolution: info.manifest.resolution,
    mean: info.manifest.mean,
    std: info.manifest.std,
    signal,
    whenRunning: () => gate.wait(signal),
    onProgress: progress,
    onIndexed: (hashes) => {
      embeddedSinceLoad += hashes.length;
      post({ type: 'indexed', hashes, embeddedSinceLoad });
      channel?.postMessage({ model: info.key, hashes });
    },
    ...tests,
  }));
}

// Another tab wrote embeddings: the ranking of the same model takes them in, and the UI refreshes.
channel?.addEventListener('message', (event: MessageEvent<{ model: string; hashes: string[] }>) => {
  void (async () => {
    const { model, hashes } = event.data;
    const m = matrix;
    if (!m || host?.info?.key !== model) return;
    const d = await database();
    for (const hash of hashes) {
      const record = await d.get('embeddings', [model, hash]);
      if (record) m.add(hash, record.vector);
    }
    post({ type: 'indexed', hashes, embeddedSinceLoad });
  })().catch(() => undefined);
});

function needHost(): ModelHost {
  if (!host) throw new Error('The worker is not initialised.');
  return host;
}

function needModel() {
  const h = needHost();
  if (!h.engine || !h.info || !matrix) throw new Error('Load a model first.');
  return { host: h, engine: h.engine, info: h.info, matrix };
}

type Handler<T extends Request['type']> = (req: RequestOf<T>, signal: AbortSignal, progress: (p: TaskProgress) => void) => Promise<ResultOf[T]>;

const handlers: { [T in Request['type']]: Handler<T> } = {
  async init(req) {
    const choice = await chooseProvider(req.forceProvider);
    host ??= new ModelHost(await database(), choice);
    return host.computeInfo();
  },

  models: () => needHost().list(),

  async 'load-model'(req, signal, progress) {
    // A queue run embeds with the loaded engine: it stops (its files stay queued) and the UI
    // starts it again under the model loaded now.
    await stopQueueRun('model-changed');
    const info = await needHost().load(req.source, signal, progress);
    matrix = await loadMatrix(info);
    return info;
  },

  async 'delete-model'(req) {
    await needHost().remove(req.key);
    return null;
  },

  async tokens(req) {
    const { engine } = needModel();
    return { count: engine.tokenizer.countTokens(req.text), contextLength: engine.manifest.contextLength };
  },

  async index(req, signal, progress) {
    return indexFiles(req.files, await indexContext(signal, progress));
  },

  async 'index-queue'(req, signal, progress) {
    if (queueRun) {
      queueRun.more = true;
      return queueSummary(true);
    }
    if (req.join) return queueSummary(false);
    const own = new AbortController();
    const both = AbortSignal.any([signal, own.signal]);
    const summary = queueSummary(false);
    let finished = () => {};
    // Set before the first await: a second request joins this run instead of starting another.
    const run = { controller: own, more: false, done: new Promise<void>((resolve) => (finished = resolve)) };
    queueRun = run;
    let ctx: IndexContext | null = null;
    try {
      ctx = await indexContext(both, progress, {
        ...(req.testDelayMs ? { delayMs: req.testDelayMs } : {}),
        ...(req.testStorageFullAfter !== undefined ? { storageFullAfter: req.testStorageFullAfter } : {}),
      });
      const context = ctx;
      await withIndexLock(
        both,
        () => progress({ phase: 'index', label: 'Waiting for another tab to finish indexing', done: 0, total: 0, rate: 0, etaSeconds: null }),
        async () => {
          await indexQueue(
            context,
            () => {
              const more = run.more;
              run.more = false;
              return more;
            },
            summary,
          );
        },
      );
      return summary;
    } catch (e) {
      if (own.signal.aborted) {
        // Stopped for another model, or the database closed under it: the files stay queued.
        summary.stopped = own.signal.reason === 'closed' ? 'closed' : 'model-changed';
        summary.left = closed || !ctx ? 0 : await ctx.db.count('queue').catch(() => 0);
        return summary;
      }
      // The user cancelled: what is still queued is dropped.
      if (signal.aborted && ctx) await clearQueue(ctx.db).catch(() => undefined);
      throw e;
    } finally {
      queueRun = null;
      finished();
    }
  },

  async 'check-index'() {
    const { info } = needModel();
    const report = await checkLibrary(await database(), { key: info.key, dim: info.manifest.architecture.embedDim });
    if (report.modelChanged) matrix = await loadMatrix(info);
    return report;
  },

  async search(req) {
    const { host: h, matrix: m } = needModel();
    return search(req.query, req.limit, {
      matrix: m,
      embedTexts: async (texts, contextLength) =>
        (await h.run((engine) => engine.encodeTexts(texts, contextLength), (compute) => post({ type: 'compute', compute }))).map((t) => t.embedding),
    });
  },

  duplicates: (req, signal, progress) => duplicateGroups(needModel().matrix, req.threshold, signal, progress),

  async cancel(req) {
    running.get(req.target)?.abort();
    return null;
  },

  async 'pause-indexing'() {
    gate.pause();
    return null;
  },

  async 'resume-indexing'() {
    gate.resume();
    return null;
  },

  async 'debug-pixels'(req) {
    const { info } = needModel();
    const r = info.manifest.resolution;
    const pixels: Float32Array[] = [];
    for (const f of req.files) pixels.push(preprocessClip((await decodePhoto(f.file, false)).image, r, info.manifest.mean, info.manifest.std));
    return { resolution: r, pixels };
  },

  async 'export-index'() {
    return exportIndex(await database(), needModel().info);
  },

  async 'import-index'(req, signal, progress) {
    const { info, matrix: m } = needModel();
    return importIndex(req.file, {
      db: await database(),
      model: info,
      matrix: m,
      signal,
      onProgress: progress,
      // As after indexing: this page's library and ranking refresh, and other tabs take the vectors in.
      onImported: (hashes) => {
        post({ type: 'indexed', hashes, embeddedSinceLoad });
        channel?.postMessage({ model: info.key, hashes });
      },
    });
  },
};

self.addEventListener('message', async (event: MessageEvent<Envelope>) => {
  const { id, request } = event.data;
  const controller = new AbortController();
  running.set(id, controller);
  try {
    const handler = handlers[request.type] as Handler<typeof request.type>;
    const value = await handler(request as never, controller.signal, (progress) => post({ type: 'progress', id, progress }));
    post({ type: 'result', id, value });
  } catch (e) {
    const cancelled = controller.signal.aborted;
    post({ type: 'error', id, message: cancelled ? 'cancelled' : e instanceof Error ? e.message : String(e), cancelled });
  } finally {
    running.delete(id);
  }
});

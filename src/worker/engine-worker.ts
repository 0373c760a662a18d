/// <reference lib="webworker" />
// The inference worker: owns onnxruntime-web, the model, the embedding matrix for ranking and
// the indexing pipeline. It speaks the protocol in protocol.ts and nothing else.
import { preprocessClip } from '../engine/preprocess/clip-preprocess';
import { EmbeddingMatrix } from '../engine/rank';
import { openLibraryDb, type LibraryDb } from '../library/db';
import { chooseProvider } from './compute';
import { indexFiles } from './indexer';
import { ModelHost } from './model-host';
import { decodePhoto } from './photo-decode';
import { PauseGate } from './pause-gate';
import type { Envelope, Request, RequestOf, ResultOf, TaskProgress, WorkerMessage } from './protocol';

declare const self: DedicatedWorkerGlobalScope;

let db: LibraryDb | null = null;
let host: ModelHost | null = null;
let matrix: EmbeddingMatrix | null = null;
let embeddedSinceLoad = 0;
const gate = new PauseGate((paused) => post({ type: 'indexing-state', paused }));
const running = new Map<number, AbortController>();

function post(message: WorkerMessage): void {
  self.postMessage(message);
}

async function database(): Promise<LibraryDb> {
  db ??= await openLibraryDb(() => {
    db = null;
  });
  return db;
}

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
    const info = await needHost().load(req.source, signal, progress);
    // The ranking matrix of this model, from the index.
    const m = new EmbeddingMatrix(info.manifest.architecture.embedDim);
    for (const record of await (await database()).getAllFromIndex('embeddings', 'by-model', info.key)) m.add(record.hash, record.vector);
    matrix = m;
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
    const { host: h, info, matrix: m } = needModel();
    return indexFiles(req.files, {
      db: await database(),
      modelKey: info.key,
      matrix: m,
      embed: (run) => h.run(run, (compute) => post({ type: 'compute', compute })),
      resolution: info.manifest.resolution,
      mean: info.manifest.mean,
      std: info.manifest.std,
      signal,
      whenRunning: () => gate.wait(signal),
      onProgress: progress,
      onIndexed: (hashes) => {
        embeddedSinceLoad += hashes.length;
        post({ type: 'indexed', hashes, embeddedSinceLoad });
      },
    });
  },

  async search(req) {
    const { host: h, matrix: m } = needModel();
    if (req.query.kind === 'photo') {
      const vector = m.get(req.query.hash);
      if (!vector) throw new Error('That photo is not indexed under this model.');
      return { results: m.rank(vector, req.limit).map((r) => ({ hash: r.key, score: r.score })) };
    }
    const { text, contextLength } = req.query;
    const [t] = await h.run((engine) => engine.encodeTexts([text], contextLength), (compute) => post({ type: 'compute', compute }));
    return { results: m.rank(t!.embedding, req.limit).map((r) => ({ hash: r.key, score: r.score })) };
  },

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

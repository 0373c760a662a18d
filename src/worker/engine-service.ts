// The inference worker's state and its answer to every request: the loaded model, the embedding
// matrix it ranks with, the indexing run, the library connection. Free of the worker global
// (everything it needs of the platform is passed in), so it runs in Node for tests;
// engine-worker.ts routes the page's messages to it.
import { modelKey } from '../engine/bundle/identity';
import { photosAhead } from '../engine/embed/decode-threads';
import { ImageEmbedder, type ImageModel, type PhotoDecoder } from '../engine/embed/image-embedder';
import { EmbeddingMatrix } from '../engine/rank';
import type { Ort } from '../engine/session/ort';
import { LibraryConnection } from '../library/connection';
import type { LibraryDb } from '../library/db';
import { clearQueue } from '../library/queue';
import { checkLibrary, usableVector } from '../library/integrity';
import { BLOCK_ROWS, countBlocks, readVector, readVectors } from '../library/vector-blocks';
import { BundleSources } from './bundle-sources';
import type { DecodePool } from './decode/decode-pool';
import { delayedEncoder, delayedTextEncoder, limitedStorage, NO_DEBUG, type DebugFlags } from './debug-flags';
import { albumScores, ClassVectorCache } from './albums';
import { duplicateGroups } from './duplicate-search';
import { exportIndex, importIndex } from './index-transfer';
import { withIndexLock } from './index-lock';
import { indexQueue, type IndexContext } from './indexer';
import { ModelHost } from './model-host';
import { PauseGate } from './pause-gate';
import type { BlobThumbnail } from './photo-decoder';
import type { VideoReader } from './video-indexer';
import type { ModelInfo, QueueRunSummary, RequestOf, RequestType, ResultOf, TaskProgress, WorkerEvent } from './protocol';
import { ProviderList } from './providers';
import { matchCount, queryVector, rankedCount, rankedPage, rescored, videoMoments, type QueryVector } from './search';
import { EmptyTextCache } from './empty-text';
import { EMPTY_TEXT, MATCH_RELEVANCE } from '../engine/query/relevance';
import type { TabChannel } from './tab-channel';

/** What the worker needs of the platform it runs on. */
export interface WorkerPlatform {
  /** onnxruntime-web, set up for this platform (ort-setup.ts in the browser). */
  ort: Ort;
  decoder: PhotoDecoder<BlobThumbnail>;
  /** Starts a pool of decode workers for an indexing run; absent (Node tests): photos are prepared in the worker itself. */
  decodePool?: (model: ImageModel, encoderThreads: number | null) => DecodePool;
  /** Reads videos (mediabunny and WebCodecs in the browser); absent (Node tests): videos are skipped. */
  video?: VideoReader;
  /** Sends an event to the page. */
  emit(event: WorkerEvent): void;
  gpu: GPU | undefined;
  locks: LockManager | undefined;
  /** Other tabs' workers, or null. */
  channel: TabChannel | null;
  /** Test-only: another database name. */
  databaseName?: string;
}

type Progress = (p: TaskProgress) => void;

type Handler<T extends RequestType> = (req: RequestOf<T>, signal: AbortSignal, progress: Progress) => Promise<ResultOf[T]>;
/** Every request but `cancel`, which the router answers (it knows the running requests). */
export type ServiceRequestType = Exclude<RequestType, 'cancel'>;

/** The run over the persisted queue, while one goes. */
interface QueueRun {
  controller: AbortController;
  /** Files were queued since the run last looked. */
  more: boolean;
  done: Promise<void>;
}

export class EngineService {
  private readonly connection: LibraryConnection;
  private debug: DebugFlags = NO_DEBUG;
  private sources: BundleSources | null = null;
  private host: ModelHost | null = null;
  private matrix: EmbeddingMatrix | null = null;
  private embeddedSinceLoad = 0;
  private readonly gate: PauseGate;
  private queueRun: QueueRun | null = null;
  /** The latest search's kept query, and the matrix it ranks. */
  private session: { id: number; matrix: EmbeddingMatrix; query: QueryVector; only: Uint8Array | null; matchesOnly: boolean } | null = null;
  private readonly emptyText = new EmptyTextCache();
  private readonly classVectors = new ClassVectorCache();
  private sessions = 0;
  /** What the last matrix load saw of the stored vectors (for the start-up check). */
  private scanned: { model: string; matrix: EmbeddingMatrix; anomalies: number } | null = null;

  constructor(private readonly platform: WorkerPlatform) {
    this.connection = new LibraryConnection({
      ...(platform.databaseName ? { name: platform.databaseName } : {}),
      onClosed: () => this.queueRun?.controller.abort('closed'),
    });
    this.gate = new PauseGate((paused) => platform.emit({ type: 'indexing-state', paused }));
    // Another tab wrote embeddings: the ranking of the same model takes them in, and the page refreshes.
    platform.channel?.listen(({ model, hashes }) => void this.takeInFromOtherTab(model, hashes).catch(() => undefined));
  }

  private readonly handlers: { [T in ServiceRequestType]: Handler<T> } = {
    init: async (req) => {
      this.debug = req.debug;
      const providers = await ProviderList.resolve(this.platform.gpu, req.forceProvider, req.timedProviders);
      this.sources ??= new BundleSources(await this.database());
      this.host ??= new ModelHost(this.platform.ort, providers, (device, choice) => this.platform.emit({ type: 'provider-timed', device, choice }));
      return this.host.computeInfo();
    },

    models: () => this.needSources().list(),

    'load-model': async (req, signal, progress) => {
      // A queue run embeds with the loaded engine: it stops (its files stay queued) and the page
      // starts it again under the model loaded now.
      await this.stopQueueRun('model-changed');
      const bundle = await this.needSources().resolve(req.source, signal, progress);
      signal.throwIfAborted();
      // The library's vectors are read while the model starts (the reads wait on storage, the start on the CPU).
      const matrix = this.loadMatrix(modelKey(bundle.manifest), bundle.manifest.architecture.embedDim);
      matrix.catch(() => undefined); // awaited below; a failed model load drops it
      const info = await this.needHost().load(bundle, progress);
      this.matrix = await matrix;
      return info;
    },

    'delete-model': async (req) => {
      if (this.host?.info?.key === req.key) throw new Error('This model is in use; load another one before deleting it.');
      await this.needSources().remove(req.key);
      return null;
    },

    tokens: async (req) => {
      const { engine } = this.needModel();
      return { count: engine.tokenizer.countTokens(req.text), contextLength: engine.manifest.contextLength };
    },

    'index-queue': (req, signal, progress) => this.indexQueue(req.join, signal, progress),

    embedded: async () => this.needModel().matrix.itemKeys(),

    'check-index': async () => {
      const { info } = this.needModel();
      const scanned = this.scanned?.model === info.key && this.scanned.matrix === this.matrix ? this.scanned : null;
      const report = await checkLibrary(await this.database(), {
        key: info.key,
        dim: info.manifest.architecture.embedDim,
        ...(scanned ? { scanned: { has: (hash: string) => scanned.matrix.has(hash), rows: scanned.matrix.size, anomalies: scanned.anomalies } } : {}),
      });
      if (report.modelChanged) this.matrix = await this.loadMatrix(info.key, info.manifest.architecture.embedDim);
      return report;
    },

    search: async (req) => {
      const { host, matrix } = this.needModel();
      const started = performance.now();
      const embedTexts = async (texts: string[], contextLength?: number) =>
        (await host.run((engine) => engine.encodeTexts(texts, contextLength), this.onFallback)).map((t) => t.embedding);
      const query = await queryVector(req.query, {
        matrix,
        embedTexts: delayedTextEncoder(embedTexts, this.debug),
        emptyText: () => this.emptyText.scoresFor(matrix, async () => (await embedTexts([EMPTY_TEXT]))[0]!),
      });
      const encodeMs = performance.now() - started;
      const only = req.filter ? matrix.rowMask(req.filter) : null;
      const session = { id: ++this.sessions, matrix, query, only, matchesOnly: req.matchesOnly };
      this.session = session;
      const page = rankedPage(matrix, query, { offset: 0, limit: req.limit, only, matchesOnly: req.matchesOnly });
      return { session: session.id, ...page, sentences: query.sentences, encodeMs };
    },

    'search-page': async (req) => {
      const { matrix, query, only, matchesOnly } = this.needSession(req.session);
      return rankedPage(matrix, query, { offset: req.offset, limit: req.limit, only, matchesOnly });
    },

    'search-rescore': async (req) => {
      const { matrix, query, only, matchesOnly } = this.needSession(req.session);
      // A filtered query is made again by the page (it knows which new photos the filter lets through).
      if (only) {
        const [matches, ranked] = [matchCount(query, only), rankedCount(matrix, query, only)];
        return { results: [], total: matchesOnly ? matches : ranked, matches, ranked };
      }
      const results = rescored(matrix, query, req.hashes);
      const { count } = query.relevance;
      return matchesOnly
        ? { results: results.filter((r) => r.relevance >= MATCH_RELEVANCE), total: count, matches: count, ranked: matrix.itemCount }
        : { results, total: matrix.itemCount, matches: count, ranked: matrix.itemCount };
    },

    moments: async (req) => {
      const { matrix, query } = this.needSession(req.session);
      return videoMoments(matrix, query, req.hash);
    },

    duplicates: (req, signal, progress) => duplicateGroups(this.needModel().matrix, req.threshold, signal, progress),

    albums: async (req) => {
      const { host, info, matrix } = this.needModel();
      const embedTexts = async (texts: string[]) => (await host.run((engine) => engine.encodeTexts(texts), this.onFallback)).map((t) => t.embedding);
      const classes = await this.classVectors.get(info.key, req.labels, req.templates, embedTexts);
      return albumScores(classes, matrix, req.hashes);
    },

    'pause-indexing': async () => {
      this.gate.pause();
      return null;
    },

    'resume-indexing': async () => {
      this.gate.resume();
      return null;
    },

    'export-index': async () => exportIndex(await this.database(), this.needModel().info),

    'import-index': async (req, signal, progress) => {
      const { info, matrix } = this.needModel();
      return importIndex(req.file, {
        db: await this.database(),
        model: info,
        matrix,
        signal,
        onProgress: progress,
        // As after indexing: this page's library and ranking refresh, and other tabs take the vectors in.
        onImported: (hashes) => this.announce(info.key, hashes, true),
      });
    },

    'debug-pixels': async (req) => {
      if (!this.debug.e2e) throw new Error('debug-pixels is for tests (?e2e) only');
      const { info } = this.needModel();
      const pixels: Float32Array[] = [];
      // The indexer's pipeline up to the encoder (its decode pool too): batches of one, never encoded.
      const pool = this.platform.decodePool?.(info.manifest, null) ?? null;
      try {
        for (const { file } of req.files) {
          const embedder = new ImageEmbedder(info.manifest, () => Promise.reject(new Error('not encoded')), this.platform.decoder, {
            batchSize: 1,
            thumbnails: false,
            ...(pool ? { preparer: pool } : {}),
          });
          pixels.push((await embedder.addPhoto(new Uint8Array(await file.arrayBuffer()), file.type, null)).slice());
        }
      } finally {
        pool?.close();
      }
      return { resolution: info.manifest.resolution, pixels };
    },
  };

  /** Answers one request. */
  handle<T extends ServiceRequestType>(req: RequestOf<T>, signal: AbortSignal, progress: Progress): Promise<ResultOf[T]> {
    const handler = this.handlers[(req as { type: T }).type] as Handler<T>;
    return handler(req, signal, progress);
  }

  private readonly onFallback = (compute: ModelInfo['compute']) => this.platform.emit({ type: 'compute', compute });

  /** The database (with the debug flags' fake storage limit, when one is set). */
  private async database(): Promise<LibraryDb> {
    return limitedStorage(await this.connection.open(), this.debug, () => this.host?.info?.key ?? null);
  }

  private needSession(id: number) {
    const session = this.session;
    if (!session || session.id !== id || session.matrix !== this.matrix) throw new Error('The search changed meanwhile.');
    return session;
  }

  private needSources(): BundleSources {
    if (!this.sources) throw new Error('The worker is not initialised.');
    return this.sources;
  }

  private needHost(): ModelHost {
    if (!this.host) throw new Error('The worker is not initialised.');
    return this.host;
  }

  private needModel() {
    const host = this.needHost();
    if (!host.engine || !host.info || !this.matrix) throw new Error('Load a model first.');
    return { host, engine: host.engine, info: host.info, matrix: this.matrix };
  }

  /**
   * The ranking matrix of a model, from the index. Only usable rows (the model's dimension,
   * finite, unit length) are taken; what was seen is kept for the start-up check, which then
   * need not read every vector again.
   */
  private async loadMatrix(key: string, dim: number): Promise<EmbeddingMatrix> {
    const db = await this.database();
    // Room for every stored block, full: a large library is not copied as it loads.
    const m = new EmbeddingMatrix(dim, (await countBlocks(db, key)) * BLOCK_ROWS + 64);
    let anomalies = 0;
    await readVectors(db, key, (hashes, vectors) => {
      if (vectors.length !== hashes.length * dim) return void anomalies++;
      hashes.forEach((hash, i) => {
        const row = vectors.subarray(i * dim, (i + 1) * dim);
        if (m.has(hash) || !usableVector(row, dim)) anomalies++;
        else m.addUnit(hash, row);
      });
    });
    this.scanned = { model: key, matrix: m, anomalies };
    return m;
  }

  /** Tells the page and the other tabs that these photos have embeddings now. */
  private announce(model: string, hashes: string[], bulk = false): void {
    this.platform.emit({ type: 'indexed', hashes, embeddedSinceLoad: this.embeddedSinceLoad, ...(bulk ? { bulk } : {}) });
    this.platform.channel?.announce({ model, hashes });
  }

  private async takeInFromOtherTab(model: string, hashes: string[]): Promise<void> {
    const matrix = this.matrix;
    if (!matrix || this.host?.info?.key !== model) return;
    const db = await this.database();
    for (const hash of hashes) {
      // A video is announced by its hash: its rows are its frames' ("<hash>@<ms>").
      const frames = await db.getAllKeys('embeddings', IDBKeyRange.bound([model, `${hash}@`], [model, `${hash}@\uffff`]));
      for (const key of [hash, ...frames.map(([, k]) => k)]) {
        if (key !== hash && matrix.has(key)) continue;
        const vector = await readVector(db, model, key);
        if (vector?.length === matrix.dim) matrix.addUnit(key, vector);
      }
    }
    this.platform.emit({ type: 'indexed', hashes, embeddedSinceLoad: this.embeddedSinceLoad });
  }

  /** Stops the queue run (its files stay queued) and waits until it has ended. */
  private async stopQueueRun(reason: 'model-changed' | 'closed'): Promise<void> {
    const run = this.queueRun;
    if (!run) return;
    run.controller.abort(reason);
    await run.done;
  }

  private async indexContext(signal: AbortSignal, progress: Progress, pool: DecodePool | null): Promise<IndexContext> {
    const { host, info, matrix } = this.needModel();
    const encode = delayedEncoder(
      (pixels, count) =>
        host
          .run((engine) => engine.encodeImages(pixels, count), this.onFallback)
          .then((vectors) => {
            // A model loaded meanwhile would give vectors of another model: never store them under this one.
            if (host.info?.key !== info.key) throw new Error('the model changed during indexing');
            return vectors;
          }),
      this.debug,
    );
    return {
      db: await this.database(),
      modelKey: info.key,
      matrix,
      model: info.manifest,
      encode,
      decoder: this.platform.decoder,
      ...(pool ? { preparer: pool, ahead: photosAhead(pool.size) } : {}),
      signal,
      whenRunning: () => this.gate.wait(signal),
      onProgress: progress,
      onIndexed: (hashes) => {
        this.embeddedSinceLoad += hashes.length;
        this.announce(info.key, hashes);
      },
      onFiled: (hashes) => this.platform.emit({ type: 'filed', hashes }),
      onFrames: (hash) => this.announce(info.key, [hash]),
      ...(this.platform.video ? { video: this.platform.video } : {}),
    };
  }

  /** Runs the persisted queue until it is empty, one tab at a time; a second request joins the run. */
  private async indexQueue(join: boolean, signal: AbortSignal, progress: Progress): Promise<QueueRunSummary> {
    const summary: QueueRunSummary = { files: 0, embedded: 0, skipped: [], waitingForPermission: 0, left: 0, joined: false, stopped: null };
    if (this.queueRun) {
      this.queueRun.more = true;
      return { ...summary, joined: true };
    }
    if (join) return summary;
    const own = new AbortController();
    const both = AbortSignal.any([signal, own.signal]);
    let finished = () => {};
    // Set before the first await: a second request joins this run instead of starting another.
    const run: QueueRun = { controller: own, more: false, done: new Promise<void>((resolve) => (finished = resolve)) };
    this.queueRun = run;
    let ctx: IndexContext | null = null;
    let pool: DecodePool | null = null;
    try {
      const host = this.needModel().host;
      pool = this.platform.decodePool?.(host.info!.manifest, host.engine?.provider === 'webgpu' ? null : (this.platform.ort.env.wasm.numThreads ?? 1)) ?? null;
      ctx = await this.indexContext(both, progress, pool);
      // The image tower, deferred at load, starts while the first photos are read and decoded.
      if (host.engine && !host.engine.imageStarted && (await ctx.db.count('queue')) > 0) host.engine.startImage();
      const context = ctx;
      await withIndexLock(
        this.platform.locks,
        both,
        () => progress({ phase: 'index', label: 'Waiting for another tab to finish indexing', done: 0, total: 0, rate: 0, etaSeconds: null }),
        async () => {
          const more = () => {
            const was = run.more;
            run.more = false;
            return was;
          };
          await indexQueue(context, more, summary);
        },
      );
      return summary;
    } catch (e) {
      if (own.signal.aborted) {
        // Stopped for another model, or the database closed under it: the files stay queued.
        summary.stopped = own.signal.reason === 'closed' ? 'closed' : 'model-changed';
        summary.left = this.connection.closed || !ctx ? 0 : await ctx.db.count('queue').catch(() => 0);
        return summary;
      }
      // The user cancelled: what is still queued is dropped.
      if (signal.aborted && ctx) await clearQueue(ctx.db).catch(() => undefined);
      throw e;
    } finally {
      pool?.close();
      this.queueRun = null;
      finished();
    }
  }
}

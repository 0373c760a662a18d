// The message protocol between the page and its inference worker: requests (each answered by one
// result or error, with progress between) and the worker's events. The workers of several tabs
// also talk among themselves, on a BroadcastChannel of their own (tab-channel.ts).
import type { ModelIdentity } from '../engine/bundle/identity';
import type { BundleManifest } from '../engine/bundle/manifest';
import type { ComputeDType } from '../engine/graph/onnx-graph';
import type { WeightDType } from '../engine/graph/weights';
import type { SentenceStats } from '../engine/query/sentence-matches';
import type { Provider } from '../engine/session/ort';
import type { IntakeFile } from '../library/intake-file';
import type { IntegrityReport } from '../library/integrity';
import type { ModelRecord } from '../library/schema';
import type { CatalogEntry } from '../models/catalog';
import type { DebugFlags } from './debug-flags';
import type { IndexSummary } from './indexer';
import type { ProviderChoice, TimedChoice } from './providers';

/** Which execution provider runs the model, and why (shown in the UI's "Compute" element). */
export interface ComputeInfo extends ProviderChoice {
  /** float16 only for a float16 bundle on a shader-f16 GPU. */
  compute: ComputeDType;
  /** onnxruntime-web's WASM threads (used by the WASM provider, and for CPU-side ops on WebGPU). */
  wasmThreads: number;
}

/** Where a model comes from. */
export type ModelSource =
  /** A built-in entry (official checkpoint + merges downloaded, then converted here). */
  | { kind: 'builtin'; entry: CatalogEntry; dtype: WeightDType }
  /** Files picked by the user: a checkpoint + merges file, or all files of a bundle. */
  | { kind: 'files'; files: File[]; dtype: WeightDType }
  /** A bundle served by the app itself (public/models/<name>/). */
  | { kind: 'hosted'; name: string }
  /** A bundle already in browser storage. */
  | { kind: 'stored'; key: string };

/** A loaded model, as the UI shows it. */
export interface ModelInfo extends Pick<ModelIdentity, 'key' | 'name'> {
  manifest: BundleManifest;
  compute: ComputeInfo;
}

/** A model kept in browser storage, as the model list shows it. */
export type StoredModel = Omit<ModelRecord, 'files' | 'origin'>;

/** A download stopped part-way (connection lost, tab closed): its kept bytes; downloading it again continues. */
export interface PartialDownload {
  url: string;
  done: number;
  total: number | null;
}

/** The end of a run over the persisted indexing queue (`index-queue`). */
export interface QueueRunSummary extends IndexSummary {
  /** A run was already going in this worker: it takes the newly queued files, this call did nothing. */
  joined: boolean;
  /** Why the run stopped early: another model was loaded, or the database was closed under it. */
  stopped: 'model-changed' | 'closed' | null;
}

export type { IntegrityReport };

export interface RankedPhoto {
  /** The photo's hash, or the video's (its score is its best frame's). */
  hash: string;
  /** A video's best moment: its frame's key ("<hash>@<ms>", engine/video/frame-key.ts) and time in ms. */
  moment?: { frame: string; ms: number };
  score: number;
  /** Standard deviations of the query's library spread above the photo's baseline (engine/query/relevance.ts); a match from MATCH_RELEVANCE. */
  relevance: number;
  /** With sentence-aware scoring: the photo's cosine with each sentence, in sentence order. */
  sentenceScores?: number[];
}

/** A frame of a video scored for a query: one of its good moments. */
export interface VideoMoment {
  /** Its key, "<hash>@<ms>". */
  frame: string;
  ms: number;
  score: number;
  relevance: number;
}

/** One part of an advanced query: a text or an indexed photo, with a signed weight (negative: "not like this"). */
export type QueryTerm = { kind: 'text'; text: string; weight: number } | { kind: 'photo'; hash: string; weight: number };

export type Query =
  /** A plain description. `sentences`: score the whole text and each sentence (src/engine/query/sentence-scoring.ts). */
  | { kind: 'text'; text: string; contextLength: number; sentences: boolean }
  /** "More like this": an indexed photo, or a video's frame by its key ("<hash>@<ms>"). */
  | { kind: 'photo'; hash: string }
  /** An advanced query: the weighted sum of its terms' unit embeddings. */
  | { kind: 'terms'; terms: QueryTerm[]; contextLength: number };

/** Photos whose embeddings are nearly identical, linked single-link, with the lowest and highest cosine between two of them. */
export interface SimilarGroup {
  hashes: string[];
  minSimilarity: number;
  maxSimilarity: number;
}

export interface DuplicatesResult {
  /** Largest first, then the most alike. */
  groups: SimilarGroup[];
  /** Photos compared (the model's indexed photos). */
  compared: number;
}

export interface SearchResult extends SearchPage {
  /** The kept query: pages and new photos are ranked against it (`search-page`, `search-rescore`). */
  session: number;
  /** With sentence-aware scoring of a text of two sentences or more: each sentence and its spread over the library. */
  sentences: SentenceStats[] | null;
  /** Time spent turning the query into its vector (the text encoder), ms. */
  encodeMs: number;
}

/** A page of ranked photos. */
export interface SearchPage {
  results: RankedPhoto[];
  /** Photos ranked: the model's indexed photos, or those the filter lets through; only the matches among them with `matchesOnly`. */
  total: number;
  /** Matches among the photos the filter lets through (engine/query/relevance.ts). */
  matches: number;
  /** All photos the filter lets through, matches or not. */
  ranked: number;
}

/**
 * Photos sorted into categories by the zero-shot recipe (engine/query/zero-shot.ts): per photo, in
 * `hashes` order, its best category, that score, its lead over the runner-up and the spread of
 * its scores across the categories (engine/query/unsorted.ts).
 */
export interface AlbumScores {
  /** The categories and templates as used (trimmed). */
  labels: string[];
  templates: string[];
  hashes: string[];
  /** Index into `labels`. */
  best: Int32Array;
  score: Float32Array;
  /** Infinity with a single category. */
  margin: Float32Array;
  spread: Float32Array;
}

/** An exported index file (`.lcindex`) and what it holds. */
export interface IndexExport {
  blob: Blob;
  photos: number;
  files: number;
}

/** What importing an index file did. */
export interface IndexImportSummary {
  /** Photos in the file. */
  photos: number;
  /** Photos newly indexed for the loaded model. */
  added: number;
  /** Photos already indexed for the loaded model (kept as they were). */
  alreadyIndexed: number;
  /** File records added to the library. */
  filesAdded: number;
}

/** Requests: UI -> worker. Each gets exactly one `result` or `error` reply with its id. */
export type Request =
  /** The first request: picks the provider; the debug flags (debug-flags.ts) are set once, here. */
  /** `timedProviders`: what timing WebGPU against WASM found on each device before (the page keeps it). */
  | { type: 'init'; forceProvider: Provider | null; timedProviders: Record<string, TimedChoice>; debug: DebugFlags }
  | { type: 'models' }
  | { type: 'load-model'; source: ModelSource }
  | { type: 'delete-model'; key: string }
  | { type: 'tokens'; text: string }
  /**
   * Indexes the persisted queue (src/library/queue.ts) until it is empty. With `join`, only
   * tells a running run that more was queued (it never starts one).
   */
  | { type: 'index-queue'; join: boolean }
  /** The photos (hashes) the loaded model has embeddings of: its ranking matrix's keys. */
  | { type: 'embedded' }
  /** The start-up integrity check of the library under the loaded model (src/library/integrity.ts). */
  | { type: 'check-index' }
  /**
   * Ranks the library for a query, which the worker keeps (one per worker, the latest): the
   * first `limit` results (all of them when null), among the photos `filter` names (null: all),
   * and with `matchesOnly` only those that are matches (engine/query/relevance.ts).
   */
  | { type: 'search'; query: Query; limit: number | null; filter: string[] | null; matchesOnly: boolean }
  /** More of the kept query's ranking: `limit` results after `offset`. Fails once another search replaced the query. */
  | { type: 'search-page'; session: number; offset: number; limit: number }
  /** Photos indexed since the kept query was made, scored against it (without encoding it again). */
  | { type: 'search-rescore'; session: number; hashes: string[] }
  /** A video's good moments for the kept query (the viewer's timeline strip). */
  | { type: 'moments'; session: number; hash: string }
  /** Groups of indexed photos whose embeddings have a cosine of at least `threshold` (src/engine/duplicates.ts). */
  | { type: 'duplicates'; threshold: number }
  /**
   * Sorts the model's indexed photos (or only `hashes`, photos indexed since) into categories:
   * each label written into each template (a `{}` in each), as the zero-shot recipe does.
   */
  | { type: 'albums'; labels: string[]; templates: string[]; hashes: string[] | null }
  | { type: 'cancel'; target: number }
  | { type: 'pause-indexing' }
  | { type: 'resume-indexing' }
  /** The loaded model's index as an index file (src/worker/index-transfer.ts). */
  | { type: 'export-index' }
  /** Adds an index file made with the loaded model to the library. */
  | { type: 'import-index'; file: File }
  /** Tests only (DebugFlags.e2e): the pixels the indexer would feed the image encoder. */
  | { type: 'debug-pixels'; files: IntakeFile[] };

/** What each request resolves to. */
export interface ResultOf {
  init: ComputeInfo;
  models: { stored: StoredModel[]; hosted: string[]; partial?: PartialDownload[] };
  'load-model': ModelInfo;
  'delete-model': null;
  tokens: { count: number; contextLength: number };
  'index-queue': QueueRunSummary;
  embedded: string[];
  'check-index': IntegrityReport;
  search: SearchResult;
  'search-page': SearchPage;
  'search-rescore': SearchPage;
  moments: VideoMoment[];
  cancel: null;
  'pause-indexing': null;
  'resume-indexing': null;
  duplicates: DuplicatesResult;
  albums: AlbumScores;
  'export-index': IndexExport;
  'import-index': IndexImportSummary;
  'debug-pixels': { resolution: number; pixels: Float32Array[] };
}

export type RequestType = Request['type'];
export type RequestOf<T extends RequestType> = Extract<Request, { type: T }>;

export interface TaskProgress {
  phase: 'download' | 'convert' | 'load' | 'index' | 'duplicates';
  label: string;
  done: number;
  total: number;
  /** Units per second (bytes for downloads, photos for indexing). */
  rate: number;
  etaSeconds: number | null;
  /** What the current file is at, where one file takes a while: "Indexing clip_03.mov: 34 of 60 s". */
  detail?: string;
}

/** Events: worker -> UI, not answers to a request. */
export type WorkerEvent =
  /**
   * Photos whose embeddings were just written (the library and the ranking can refresh).
   * `bulk`: by an index import, which reloads the library when it ends (its files are read then,
   * not batch by batch).
   */
  | { type: 'indexed'; hashes: string[]; embeddedSinceLoad: number; bulk?: boolean }
  /** File records were written for these photos, which had embeddings already (the library shows the files). */
  | { type: 'filed'; hashes: string[] }
  /** The provider changed at run time (a lost GPU device fell back to WASM). */
  | { type: 'compute'; compute: ComputeInfo }
  /** The first load on this GPU timed WebGPU against WASM: the page remembers it for the next visits. */
  | { type: 'provider-timed'; device: string; choice: TimedChoice }
  | { type: 'indexing-state'; paused: boolean };

/** Messages: worker -> UI. */
export type WorkerMessage =
  | { type: 'result'; id: number; value: ResultOf[RequestType] }
  | { type: 'error'; id: number; message: string; cancelled: boolean }
  | { type: 'progress'; id: number; progress: TaskProgress }
  | WorkerEvent;

export interface Envelope {
  id: number;
  request: Request;
}

// Messages between the bench page and its worker (bench-only; not part of the app).
import type { Provider } from '../../src/engine/session/ort';

export interface RuntimeInfo {
  crossOriginIsolated: boolean;
  hardwareConcurrency: number;
  /** ort.env.wasm.numThreads after the first session was created (what ORT actually used). */
  numThreads: number | null;
  ortVersion: string;
}

export interface EngineBenchArgs {
  bundleUrl: string;
  provider: Provider;
  quick: boolean;
  /** Sets ort.env.wasm.numThreads; undefined keeps ORT's default, as the app does. */
  threads?: number;
  batches: number[];
  textLengths: number[];
  /** The fused-op graph or the standard one; default: the engine's choice for the provider. */
  fusedOps?: boolean;
  /** Let a float16 bundle compute in float16 where the adapter has shader-f16 (default true). */
  shaderF16?: boolean;
}

export interface TorchExportBenchArgs {
  /** URL prefix of the export folder. */
  baseUrl: string;
  /** External data files of each graph (names in the folder), if any. */
  imageData: string[];
  textData: string[];
  quick: boolean;
  threads?: number;
  batches: number[];
  textLengths: number[];
}

export interface ImageFigure {
  batch: number;
  runs: number;
  median_s: number;
  per_s: number | null;
  error?: string;
}

export interface TextFigure {
  tokens: number;
  runs: number;
  median_ms: number | null;
  min_ms: number | null;
  error?: string;
}

export interface EncoderBenchResult extends RuntimeInfo {
  provider: string;
  load_s: number;
  image: ImageFigure[];
  text: TextFigure[];
  /** Where the sessions ran. */
  context: 'worker';
  inputs?: Record<string, string>;
}

export interface ConvertArgs {
  checkpoint: File;
  merges: Uint8Array;
  dtype: 'float32' | 'float16';
}

export interface RankArgs {
  n: number;
  dim: number;
  quick: boolean;
  limit: number;
}

export interface RankResult {
  n: number;
  dim: number;
  limit: number;
  runs: number;
  fill_s: number;
  median_ms: number;
  min_ms: number;
  max_ms: number;
  context: 'worker';
}

export interface IndexReplicaArgs {
  bundleUrl: string;
  provider: Provider;
  threads?: number;
  files: { file: File; path: string }[];
  batch: number;
}

export interface IndexReplicaResult extends RuntimeInfo {
  photos: number;
  seconds: number;
  photos_per_s: number;
  /** Workers of the decode pool. */
  decode_threads: number;
  hash_s: number;
  /** Time the loop waited for a prepared photo (decoding not hidden behind the encoder). */
  wait_s: number;
  encode_s: number;
  /** wait_s / seconds. */
  decode_share: number;
  /** decodePhoto's steps timed separately on the first photos (ms, medians). */
  decode_breakdown_ms: { photos: number; create_image_bitmap: number; read_pixels_video_frame: number; read_pixels_canvas: number; thumbnail: number };
}

export type BenchRequest =
  | { type: 'info' }
  | { type: 'engine'; args: EngineBenchArgs }
  | { type: 'torch-export'; args: TorchExportBenchArgs }
  | { type: 'convert'; args: ConvertArgs }
  | { type: 'rank'; args: RankArgs }
  | { type: 'index-replica'; args: IndexReplicaArgs };

export interface BenchResults {
  info: RuntimeInfo;
  engine: EncoderBenchResult;
  'torch-export': EncoderBenchResult;
  convert: { seconds: number; bytes: number };
  rank: RankResult;
  'index-replica': IndexReplicaResult;
}

export type FromWorker = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string } | { log: string };

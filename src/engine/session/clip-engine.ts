// The CLIP engine: a bundle's text and image encoders as onnxruntime-web sessions on one provider,
// with the tokenizer, every ORT call in one queue.
import { BundleError, graphDoc, type BundleManifest } from '../bundle/manifest';
import { buildEncoderGraph, type Tower } from '../graph/build-encoder';
import { encodeModel, GraphBuilder, type ComputeDType } from '../graph/onnx-graph';
import type { WeightDType } from '../graph/weights';
import { readChecked, readManifest, type BundleFiles } from '../bundle/files';
import { ClipTokenizer } from '../tokenizer/clip-tokenizer';
import type { EngineProvider, OrtRuntime, OrtSession } from './ort';
import { SerialQueue } from './serial-queue';

export interface TextEmbedding {
  /** The ids fed to the model: start .. end, no padding. */
  ids: Int32Array;
  /** Token count before truncation (start and end included). */
  untruncatedLength: number;
  embedding: Float32Array;
}

export interface EngineLoadOptions {
  provider: EngineProvider;
  /** The WebGPU adapter has `shader-f16`: a float16 bundle then computes in float16. */
  shaderF16?: boolean;
  /** onnxruntime-node's threads per session (onnxruntime-web takes its threads from `env.wasm`). */
  threads?: number;
  /** Use onnxruntime's fused ops (Attention, DynamicQuantizeMatMul) or not; default: usesContribOps (benchmarks compare both). */
  fusedOps?: boolean;
  /** Called as each file is read and each session created. */
  onProgress?: (step: string) => void;
  /**
   * Create the image tower when it is first used, not at load: a search needs only the text
   * tower, so a returning user's first query is not kept waiting for the larger session.
   */
  deferImage?: boolean;
}

/**
 * Both Long-CLIP encoders of one bundle on one onnxruntime execution provider. Every ORT
 * call goes through one queue: sessions are created one at a time and runs never overlap.
 */
export class ClipEngine {
  private readonly queue = new SerialQueue();
  /** startImage queued the image session's creation, which has not begun yet. */
  private imageQueued = false;

  private constructor(
    private readonly ort: OrtRuntime,
    readonly manifest: BundleManifest,
    readonly tokenizer: ClipTokenizer,
    readonly provider: EngineProvider,
    /** The activations' type: float16 only for a float16 bundle on a shader-f16 GPU. */
    readonly compute: ComputeDType,
    private readonly text: OrtSession,
    /** The image tower's session, made once by `createImage` when it is deferred. */
    private image: Promise<OrtSession> | null,
    private readonly createImage: () => Promise<OrtSession>,
  ) {}

  static async load(ort: OrtRuntime, files: BundleFiles, options: EngineLoadOptions): Promise<ClipEngine> {
    const say = options.onProgress ?? (() => {});
    const manifest = await readManifest(files);
    const compute = computeType(options.provider, options.shaderF16 ?? false, manifest.dtype);
    const contribOps = options.fusedOps ?? usesContribOps(options.provider, manifest.dtype);
    const sessionOptions = {
      executionProviders: [options.provider],
      graphOptimizationLevel: 'all' as const,
      ...(options.threads ? { intraOpNumThreads: options.threads } : {}),
    };
    const read = async (tower: Tower) => {
      const graph = tower === 'text' ? manifest.files.textGraph : manifest.files.imageGraph;
      const weights = tower === 'text' ? manifest.files.textWeights : manifest.files.imageWeights;
      say(`reading ${graph.path}`);
      const model = compute === 'float16' || contribOps ? await runtimeGraph(manifest, tower, compute, contribOps) : await readChecked(files, graph);
      return { model, path: graph.path, weights: { path: weights.path, data: await readChecked(files, weights) } };
    };
    const create = async (parts: Awaited<ReturnType<typeof read>>) => {
      say(`creating ${parts.path} session (${options.provider})`);
      return ort.InferenceSession.create(parts.model, { ...sessionOptions, externalData: [parts.weights] });
    };
    // The text tower's files are read while the tokenizer is parsed and the runtime starts
    // (its WebAssembly, or its GPU device, is set up by the first session): they overlap.
    const textParts = read('text');
    textParts.catch(() => undefined);
    const tokenizer = ClipTokenizer.fromGzip(await readChecked(files, manifest.files.merges));
    await startRuntime(ort, sessionOptions);
    const text = await create(await textParts);
    const makeImage = async () => create(await read('image'));
    if (options.deferImage) return new ClipEngine(ort, manifest, tokenizer, options.provider, compute, text, null, makeImage);
    try {
      const image = await makeImage();
      return new ClipEngine(ort, manifest, tokenizer, options.provider, compute, text, Promise.resolve(image), makeImage);
    } catch (e) {
      await text.release();
      throw e;
    }
  }

  get embedDim(): number {
    return this.manifest.architecture.embedDim;
  }

  get resolution(): number {
    return this.manifest.resolution;
  }

  /** Tokenises at the model's context length (248 for Long-CLIP) or a shorter one (77: what plain CLIP reads). */
  tokenize(text: string, contextLength = this.manifest.contextLength) {
    return this.tokenizer.encode(text, Math.min(contextLength, this.manifest.contextLength));
  }

  async encodeTexts(texts: readonly string[], contextLength?: number): Promise<TextEmbedding[]> {
    const tokens = texts.map((t) => this.tokenize(t, contextLength));
    const embeddings = await this.encodeTokenIds(tokens.map((t) => t.ids));
    return tokens.map((t, i) => ({ ids: t.ids, untruncatedLength: t.untruncatedLength, embedding: embeddings[i]! }));
  }

  /** Runs the text tower on id sequences (start .. end). A batch is zero-padded to its longest member only. */
  encodeTokenIds(batch: readonly Int32Array[]): Promise<Float32Array[]> {
    if (batch.length === 0) return Promise.resolve([]);
    const n = Math.max(...batch.map((ids) => ids.length));
    if (n > this.manifest.contextLength) throw new RangeError(`${n} tokens: the model reads at most ${this.manifest.contextLength}`);
    const ids = new Int32Array(batch.length * n);
    batch.forEach((row, i) => ids.set(row, i * n));
    const input = new this.ort.Tensor('int32', ids, [batch.length, n]);
    return this.run(() => this.text, this.manifest.inputs.text, input, this.manifest.outputs.text, batch.length);
  }

  /** Runs the image tower on preprocessed pixels: `count` images of [3, R, R], channel-major. */
  encodeImages(pixels: Float32Array, count: number): Promise<Float32Array[]> {
    const r = this.manifest.resolution;
    if (pixels.length !== count * 3 * r * r) throw new RangeError(`${pixels.length} pixel values for ${count} images of 3 x ${r} x ${r}`);
    if (count === 0) return Promise.resolve([]);
    const input = new this.ort.Tensor('float32', pixels, [count, 3, r, r]);
    return this.run(() => this.imageSession(), this.manifest.inputs.image, input, this.manifest.outputs.image, count);
  }

  /** Whether the image tower's session exists, is being made, or is queued to be made. */
  get imageStarted(): boolean {
    return this.image !== null || this.imageQueued;
  }

  /** Starts making the deferred image session now (in the queue, after what is already there), for a batch that will follow. */
  startImage(): void {
    if (this.imageStarted) return;
    this.imageQueued = true;
    void this.queue
      .run(() => this.imageSession())
      .catch(() => undefined)
      .finally(() => (this.imageQueued = false));
  }

  async release(): Promise<void> {
    await this.queue.run(async () => {
      await this.text.release();
      const image = await this.image?.catch(() => null);
      await image?.release();
    });
  }

  /** The image session, made on first use (inside the queue: no run overlaps its creation); a failed creation is tried again next time. */
  private imageSession(): Promise<OrtSession> {
    if (!this.image) {
      const made = this.createImage();
      made.catch(() => {
        if (this.image === made) this.image = null;
      });
      this.image = made;
    }
    return this.image;
  }

  private run(
    session: () => OrtSession | Promise<OrtSession>,
    inputName: string,
    input: InstanceType<OrtRuntime['Tensor']>,
    outputName: string,
    count: number,
  ): Promise<Float32Array[]> {
    return this.queue.run(async () => {
      const out = await (await session()).run({ [inputName]: input });
      const data = out[outputName]?.data;
      if (!(data instanceof Float32Array)) throw new Error(`the model gave no ${outputName} output`);
      const dim = this.embedDim;
      return Array.from({ length: count }, (_, i) => data.slice(i * dim, (i + 1) * dim));
    });
  }
}

/**
 * Creates and drops a one-node session, so onnxruntime's one-time start (compiling its
 * WebAssembly and starting its threads, or requesting the GPU device) happens while the
 * encoders' weights are still being read; a failure is left for the real session to report.
 */
async function startRuntime(ort: OrtRuntime, options: { executionProviders: EngineProvider[] }): Promise<void> {
  const g = new GraphBuilder('start', 'float32');
  g.output(g.input('x', 'float32', [1]), 'y', 'float32', [1]);
  try {
    const session = await ort.InferenceSession.create(encodeModel(g.model([], 'longclip-search', 'runtime start')), options);
    await session.release();
  } catch {
    // the encoder's own session creation reports what is wrong
  }
}

/**
 * Whether the runtime graph uses onnxruntime's fused ops: on WASM always (Attention; int8 products
 * as DynamicQuantizeMatMul); on onnxruntime-node for float bundles (Attention) but not for int8
 * ones, whose native DynamicQuantizeMatMul rounds otherwise than the WASM build (measured: one
 * demo query's top-5 order flips), so they run the stored graph's DequantizeLinear at float
 * fidelity. WebGPU runs the stored graph.
 */
export function usesContribOps(provider: EngineProvider, storage: WeightDType): boolean {
  if (provider === 'webgpu') return false;
  return provider === 'wasm' || storage !== 'int8';
}

/** float16 activations only for a float16 bundle on a WebGPU adapter with shader-f16. */
export function computeType(provider: EngineProvider, shaderF16: boolean, storage: WeightDType): ComputeDType {
  return provider === 'webgpu' && shaderF16 && storage === 'float16' ? 'float16' : 'float32';
}

/**
 * A graph rebuilt at load time from the architecture, over the bundle's weights file (the layout
 * is deterministic, so names and offsets match the stored graph): float16 activations for a
 * shader-f16 GPU, or onnxruntime's fused ops (Attention; DynamicQuantizeMatMul for int8) on WASM,
 * where a batch of one runs about 1.5 times as fast as the standard-op graph (bench/), and on
 * onnxruntime-node, so the CLI computes what the browser's WASM path computes. The stored graph
 * keeps standard ops for other runtimes.
 */
async function runtimeGraph(manifest: BundleManifest, tower: Tower, compute: ComputeDType, contribOps: boolean): Promise<Uint8Array> {
  const weights = tower === 'text' ? manifest.files.textWeights : manifest.files.imageWeights;
  const { model, weightBytes } = await buildEncoderGraph(
    {
      tower,
      arch: manifest.architecture,
      storage: manifest.dtype,
      compute,
      contribOps,
      weightsPath: weights.path,
      ...graphDoc(tower, manifest.source.fileName),
    },
    null,
  );
  if (weightBytes !== weights.size)
    throw new BundleError(
      `${weights.path}: its layout does not match this converter's (${weights.size} bytes, expected ${weightBytes}); convert the model again`,
    );
  return model;
}

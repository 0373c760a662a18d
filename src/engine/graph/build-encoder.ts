// One encoder graph (text or image) as ONNX bytes: with its weights converted and streamed out, or
// its layout alone for an existing weights file.
import type { Architecture } from '../checkpoint/architecture-types';
import { EncoderWeights, type TensorReader } from './encoder-weights';
import { buildImageEncoder } from './image-encoder';
import { GraphBuilder, encodeModel, type ComputeDType } from './onnx-graph';
import { buildTextEncoder } from './text-encoder';
import { ExternalWeights, type WeightDType, type WeightSink } from './weights';

export type Tower = 'text' | 'image';

export interface EncoderGraphSpec {
  tower: Tower;
  arch: Architecture;
  /** How matrices are stored in the external-data file. */
  storage: WeightDType;
  /** The activations' type: float16 only where the GPU has shader-f16. */
  compute: ComputeDType;
  /** Use onnxruntime's fused contrib ops: for a graph built at load time for ORT, never a stored one. */
  contribOps?: boolean;
  /** The external-data file's name, as the graph refers to it. */
  weightsPath: string;
  producer: string;
  doc: string;
}

/**
 * Builds one encoder graph. With `read` and `sink`, the weights are converted and streamed
 * out; without them only the layout is computed, which rebuilds the graph of an existing
 * weights file (same names and offsets) for another compute type.
 */
export async function buildEncoderGraph(
  spec: EncoderGraphSpec,
  weights: { read: TensorReader; sink: WeightSink } | null,
): Promise<{ model: Uint8Array; weightBytes: number }> {
  const store = new ExternalWeights(spec.weightsPath, weights?.sink ?? null);
  const g = new GraphBuilder(`longclip_${spec.tower}`, spec.compute, spec.contribOps ?? false);
  const read: TensorReader = weights?.read ?? (() => Promise.reject(new Error('layout-only graph: no weights to read')));
  const w = new EncoderWeights(g, read, store, spec.storage);
  if (spec.tower === 'text') await buildTextEncoder(g, w, spec.arch);
  else await buildImageEncoder(g, w, spec.arch);
  return { model: encodeModel(g.model(store.initializers(), spec.producer, spec.doc)), weightBytes: store.byteLength };
}

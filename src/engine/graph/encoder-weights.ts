// The encoders' weights: state_dict tensors turned into graph initializers in the bundle's dtype
// (int8 matrices with a scale per column), cast to the compute type where they differ.
import { ELEM, type GraphBuilder } from './onnx-graph';
import { quantizeColumns } from './quantize';
import type { ExternalWeights, StoredDType, WeightDType } from './weights';

/** Reads a state_dict tensor as contiguous float32 (the checkpoint reader's LazyTensor.read). */
export type TensorReader = (key: string) => Promise<Float32Array>;

/** A MatMul weight [in, out]: a float matrix in the compute type, or int8 values with a scale per column. */
export type Projection = { kind: 'float'; weight: string } | { kind: 'int8'; values: string; scale: string };

/**
 * Turns state_dict tensors into graph initializers. Matrices (ndim >= 2) are stored in the
 * bundle's dtype; biases and layer norms stay float32. Where storage and compute types
 * differ, a Cast converts (ORT folds it once, at session creation), so a float16 bundle
 * computes in float32 unless the graph is built for float16 compute.
 */
export class EncoderWeights {
  constructor(
    private readonly graph: GraphBuilder,
    private readonly read: TensorReader,
    private readonly store: ExternalWeights,
    private readonly dtype: WeightDType,
  ) {}

  /** A checkpoint tensor's values (a fresh copy the caller may modify). */
  raw(key: string): Promise<Float32Array> {
    return this.read(key);
  }

  /** A weight taken as-is from the checkpoint. */
  tensor(key: string, dims: number[]): Promise<string> {
    return this.derived(key, dims, () => this.read(key));
  }

  /** A PyTorch Linear weight [out, in], stored transposed [in, out] for MatMul. */
  linear(key: string, outDim: number, inDim: number): Promise<Projection> {
    return this.projection(`${key}.T`, inDim, outDim, async () => transpose(await this.read(key), outDim, inDim));
  }

  /** A MatMul weight [inDim, outDim]: int8 in an int8 bundle, else like any matrix. */
  async projection(name: string, inDim: number, outDim: number, make: () => Promise<Float32Array>): Promise<Projection> {
    if (this.dtype !== 'int8') return { kind: 'float', weight: await this.derived(name, [inDim, outDim], make) };
    let scale: Float32Array | null = null;
    const values = await this.store.add(name, [inDim, outDim], 'int8', async () => {
      const quantized = quantizeColumns(await make(), inDim, outDim);
      scale = quantized.scale;
      return quantized.q;
    });
    const scales = await this.store.add(`${name}.scale`, [outDim], 'float32', async () => scale!);
    return { kind: 'int8', values: values.name, scale: scales.name };
  }

  /** A weight computed from checkpoint tensors (combined tables, folded scales). */
  async derived(name: string, dims: number[], make: () => Promise<Float32Array>): Promise<string> {
    const dtype: StoredDType = dims.length < 2 ? 'float32' : this.dtype === 'int8' ? 'float16' : this.dtype;
    const entry = await this.store.add(name, dims, dtype, make);
    return dtype === this.graph.compute ? entry.name : this.graph.op('Cast', [entry.name], { to: ELEM[this.graph.compute] });
  }
}

/** [rows, cols] -> [cols, rows]. */
export function transpose(w: Float32Array, rows: number, cols: number): Float32Array {
  if (w.length !== rows * cols) throw new Error(`transpose: ${w.length} values for [${rows}, ${cols}]`);
  const out = new Float32Array(w.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) out[c * rows + r] = w[base + c]!;
  }
  return out;
}

// How a bundle stores its weights (float32, float16, int8), and the graph's external-data file
// they are appended to.
import type { onnx as Onnx } from 'onnx-proto';
import { onnx } from './onnx-proto';
import { float32ToFloat16 } from './float16';

/**
 * How the bundle stores its matrices. Biases and layer norms always stay float32. In an int8
 * bundle the transformer's projection matrices are int8 with a float32 scale per output
 * column, and the other matrices (embeddings, patch kernel, final projections) float16.
 */
export type WeightDType = 'float32' | 'float16' | 'int8';

/** The type of a stored tensor. */
export type StoredDType = 'float32' | 'float16' | 'int8';

const BYTES: Record<StoredDType, number> = { float32: 4, float16: 2, int8: 1 };
const ONNX_TYPE: Record<StoredDType, number> = {
  float32: onnx.TensorProto.DataType.FLOAT,
  float16: onnx.TensorProto.DataType.FLOAT16,
  int8: onnx.TensorProto.DataType.INT8,
};

/** Where a graph's weights go: appended one after the other to its external-data file. */
export interface WeightSink {
  append(bytes: Uint8Array): Promise<void>;
}

/** One initializer as recorded in the graph: its place in the external-data file. */
export interface WeightEntry {
  name: string;
  dims: number[];
  dtype: StoredDType;
  offset: number;
  length: number;
}

/** Offsets are aligned so typed-array views over the data file are always legal. */
const ALIGN = 64;

/**
 * Collects a graph's weights as ONNX external data. Weights are streamed to the sink as they
 * are produced, so converting never holds the whole model twice; the graph protobuf itself
 * only holds offsets and stays tiny (the 2 GB protobuf limit never applies).
 */
export class ExternalWeights {
  readonly entries: WeightEntry[] = [];
  private offset = 0;

  /** With no sink, only the layout is computed (names, offsets): the graph of an existing data file. */
  constructor(
    readonly location: string,
    private readonly sink: WeightSink | null,
  ) {}

  get byteLength(): number {
    return this.offset;
  }

  /** `make` gives float32 values (stored as `dtype`), or the int8 values of an int8 entry. */
  async add(name: string, dims: number[], dtype: StoredDType, make: () => Promise<Float32Array | Int8Array>): Promise<WeightEntry> {
    const count = dims.reduce((a, b) => a * b, 1);
    const length = count * BYTES[dtype];
    const pad = (ALIGN - (this.offset % ALIGN)) % ALIGN;
    const entry: WeightEntry = { name, dims, dtype, offset: this.offset + pad, length };
    if (this.sink) {
      const values = await make();
      if (values.length !== count) throw new Error(`weight ${name}: ${values.length} values for shape [${dims.join(', ')}]`);
      if ((dtype === 'int8') !== values instanceof Int8Array) throw new Error(`weight ${name}: ${dtype} entry given ${values.constructor.name}`);
      const bytes =
        dtype === 'float16' && values instanceof Float32Array
          ? new Uint8Array(float32ToFloat16(values).buffer)
          : new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
      if (pad) await this.sink.append(new Uint8Array(pad));
      await this.sink.append(bytes);
    }
    this.offset = entry.offset + entry.length;
    this.entries.push(entry);
    return entry;
  }

  initializers(): Onnx.ITensorProto[] {
    return this.entries.map((e) => ({
      name: e.name,
      dims: e.dims,
      dataType: ONNX_TYPE[e.dtype],
      dataLocation: onnx.TensorProto.DataLocation.EXTERNAL,
      externalData: [
        { key: 'location', value: this.location },
        { key: 'offset', value: String(e.offset) },
        { key: 'length', value: String(e.length) },
      ],
    }));
  }
}

// An ONNX graph builder: inputs, outputs, ops, constants and casts, and the model's protobuf bytes.
import type { onnx as Onnx } from 'onnx-proto';
import { onnx } from './onnx-proto';

export const OPSET = 17;
export const MS_DOMAIN = 'com.microsoft';
const T = onnx.TensorProto.DataType;
const A = onnx.AttributeProto.AttributeType;

export type AttrValue = number | number[] | string | { float: number } | { floats: number[] };
export type ElemType = 'float32' | 'float16' | 'int32' | 'int64';
/** The activations' type. */
export type ComputeDType = 'float32' | 'float16';

export const ELEM: Record<ElemType, Onnx.TensorProto.DataType> = {
  float32: T.FLOAT,
  float16: T.FLOAT16,
  int32: T.INT32,
  int64: T.INT64,
};

function attribute(name: string, value: AttrValue): Onnx.IAttributeProto {
  if (typeof value === 'string') return { name, type: A.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'number') return { name, type: A.INT, i: value };
  if (Array.isArray(value)) return { name, type: A.INTS, ints: value };
  if ('float' in value) return { name, type: A.FLOAT, f: value.float };
  return { name, type: A.FLOATS, floats: value.floats };
}

/** A dimension: a fixed size or a symbolic name ("batch"). */
export type Dim = number | string;

function valueInfo(name: string, elem: ElemType, dims: Dim[]): Onnx.IValueInfoProto {
  return {
    name,
    type: {
      tensorType: {
        elemType: ELEM[elem],
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dimValue: d } : { dimParam: d })) },
      },
    },
  };
}

/** Builds one ONNX graph node by node; names are generated unless given. */
export class GraphBuilder {
  private readonly nodes: Onnx.INodeProto[] = [];
  private readonly constants: Onnx.ITensorProto[] = [];
  private readonly inputs: Onnx.IValueInfoProto[] = [];
  private readonly outputs: Onnx.IValueInfoProto[] = [];
  private counter = 0;
  private usesMicrosoftOps = false;

  /** `compute` is the element type of the activations between input and output. */
  constructor(
    readonly name: string,
    readonly compute: ComputeDType = 'float32',
    /** The graph may use onnxruntime's fused contrib ops (Attention, SkipLayerNormalization). */
    readonly contribOps = false,
  ) {}

  input(name: string, elem: ElemType, dims: Dim[]): string {
    this.inputs.push(valueInfo(name, elem, dims));
    return name;
  }

  output(value: string, name: string, elem: ElemType, dims: Dim[]): void {
    this.op('Identity', [value], {}, name);
    this.outputs.push(valueInfo(name, elem, dims));
  }

  /** Adds a node and returns its (first) output name. */
  op(type: string, inputs: string[], attrs: Record<string, AttrValue> = {}, outName?: string): string {
    return this.opN(type, inputs, 1, attrs, outName ? [outName] : undefined)[0]!;
  }

  /**
   * An ONNX Runtime contrib op (domain com.microsoft). Only onnxruntime's own providers run
   * these, so only graphs built for a known provider use them, never the bundle's stored graph.
   */
  msOp(type: string, inputs: string[], attrs: Record<string, AttrValue> = {}): string {
    this.usesMicrosoftOps = true;
    return this.opN(type, inputs, 1, attrs, undefined, MS_DOMAIN)[0]!;
  }

  opN(type: string, inputs: string[], nOut: number, attrs: Record<string, AttrValue> = {}, outNames?: string[], domain?: string): string[] {
    const id = this.counter++;
    const output = outNames ?? Array.from({ length: nOut }, (_, k) => `${type.toLowerCase()}_${id}${nOut > 1 ? `_${k}` : ''}`);
    this.nodes.push({
      opType: type,
      name: `${type}_${id}`,
      input: inputs,
      output,
      attribute: Object.entries(attrs).map(([k, v]) => attribute(k, v)),
      ...(domain ? { domain } : {}),
    });
    return output;
  }

  /** A small constant stored inline in the graph. */
  constInt64(values: number[], dims: number[] = [values.length]): string {
    const name = `const_${this.counter++}`;
    this.constants.push({ name, dims, dataType: T.INT64, int64Data: values });
    return name;
  }

  constFloat(values: Float32Array | number[], dims: number[]): string {
    const name = `const_${this.counter++}`;
    const data = values instanceof Float32Array ? values : Float32Array.from(values);
    this.constants.push({ name, dims, dataType: T.FLOAT, rawData: new Uint8Array(data.buffer.slice(data.byteOffset, data.byteOffset + data.byteLength)) });
    return name;
  }

  /** A float constant in the compute type. */
  constCompute(values: Float32Array | number[], dims: number[]): string {
    const c = this.constFloat(values, dims);
    return this.compute === 'float32' ? c : this.op('Cast', [c], { to: ELEM.float16 });
  }

  /** Casts a float32 graph input to the compute type, or a result back to float32. */
  toCompute(value: string): string {
    return this.compute === 'float32' ? value : this.op('Cast', [value], { to: ELEM.float16 });
  }

  toFloat32(value: string): string {
    return this.compute === 'float32' ? value : this.op('Cast', [value], { to: ELEM.float32 });
  }

  model(initializers: Onnx.ITensorProto[], producer: string, docString: string): Onnx.ModelProto {
    return onnx.ModelProto.create({
      irVersion: 8,
      producerName: producer,
      docString,
      opsetImport: [{ domain: '', version: OPSET }, ...(this.usesMicrosoftOps ? [{ domain: MS_DOMAIN, version: 1 }] : [])],
      graph: {
        name: this.name,
        node: this.nodes,
        initializer: [...initializers, ...this.constants],
        input: this.inputs,
        output: this.outputs,
      },
    });
  }
}

export function encodeModel(model: Onnx.ModelProto): Uint8Array {
  return onnx.ModelProto.encode(model).finish();
}

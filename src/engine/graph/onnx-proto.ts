// The ONNX protobuf classes of the onnx-proto package, imported the same way by bundlers and by Node.
import * as onnxProto from 'onnx-proto';
import type { onnx as OnnxNamespace } from 'onnx-proto';

// onnx-proto is CommonJS (`module.exports = $root`): bundlers expose `onnx` as a named export,
// Node's ESM loader only as a property of the default export.
const mod = onnxProto as unknown as { onnx?: typeof OnnxNamespace; default?: { onnx: typeof OnnxNamespace } };

/** The ONNX protobuf classes (onnx.ModelProto, onnx.TensorProto, ...). */
export const onnx: typeof OnnxNamespace = mod.onnx ?? mod.default!.onnx;

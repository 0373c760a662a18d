// Test-only: writes a .safetensors file from named tensors.

export interface SafetensorsEntry {
  name: string;
  dtype: string;
  shape: number[];
  data: Uint8Array;
}

export function writeSafetensors(entries: readonly SafetensorsEntry[], headerPatch: Record<string, unknown> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: { format: 'pt' } };
  let offset = 0;
  for (const e of entries) {
    header[e.name] = { dtype: e.dtype, shape: e.shape, data_offsets: [offset, offset + e.data.length] };
    offset += e.data.length;
  }
  Object.assign(header, headerPatch);
  const json = new TextEncoder().encode(JSON.stringify(header));
  const out = new Uint8Array(8 + json.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(json.length), true);
  out.set(json, 8);
  let at = 8 + json.length;
  for (const e of entries) {
    out.set(e.data, at);
    at += e.data.length;
  }
  return out;
}

/** Zero-filled F32 tensor bytes for a shape. */
export function zerosF32(shape: readonly number[]): Uint8Array {
  return new Uint8Array(4 * shape.reduce((a, b) => a * b, 1));
}

// A checkpoint's storage dtypes (float32, float16, bfloat16): bytes per element, and their
// little-endian bytes decoded to float32 bit patterns.
import type { StorageDType } from './tensor';

/** Bytes per element of each storage dtype. */
export const ELEMENT_SIZE: Readonly<Record<StorageDType, number>> = { float32: 4, float16: 2, bfloat16: 2 };

const LITTLE_ENDIAN = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1;

let f16Table: Uint32Array | undefined;

/** float32 bit patterns of all 65536 float16 values (exact: subnormals, ±inf, NaN payloads). */
function halfTable(): Uint32Array {
  if (f16Table) return f16Table;
  const t = new Uint32Array(65536);
  for (let h = 0; h < 65536; h++) {
    const sign = (h & 0x8000) << 16;
    const exp = (h >> 10) & 0x1f;
    let man = h & 0x3ff;
    if (exp === 0x1f) {
      t[h] = sign | 0x7f800000 | (man << 13);
    } else if (exp !== 0) {
      t[h] = sign | ((exp - 15 + 127) << 23) | (man << 13);
    } else if (man === 0) {
      t[h] = sign;
    } else {
      // Subnormal: shift the mantissa up until its leading 1 is the implicit bit.
      let e = -14;
      while ((man & 0x400) === 0) {
        man <<= 1;
        e--;
      }
      t[h] = sign | ((e + 127) << 23) | ((man & 0x3ff) << 13);
    }
  }
  return (f16Table = t);
}

/** Widens one float16 bit pattern to a number (for tests and spot checks). */
export function halfToFloat(bits: number): number {
  return new Float32Array(new Uint32Array([halfTable()[bits & 0xffff]!]).buffer)[0]!;
}

/**
 * Decodes little-endian elements of `dtype` into float32 bit patterns (a Uint32Array, so that
 * NaN payloads survive untouched). Returns a fresh array; `bytes` may be unaligned.
 */
export function decodeToFloat32Bits(bytes: Uint8Array, dtype: StorageDType): Uint32Array {
  const size = ELEMENT_SIZE[dtype];
  const n = Math.floor(bytes.byteLength / size);
  const out = new Uint32Array(n);
  if (!LITTLE_ENDIAN) return decodeWithDataView(bytes, dtype, out);
  if (dtype === 'float32') {
    new Uint8Array(out.buffer).set(bytes.subarray(0, n * 4));
    return out;
  }
  const aligned = bytes.byteOffset % 2 === 0 ? bytes : bytes.slice();
  const u16 = new Uint16Array(aligned.buffer, aligned.byteOffset, n);
  if (dtype === 'bfloat16') {
    for (let i = 0; i < n; i++) out[i] = u16[i]! << 16;
  } else {
    const t = halfTable();
    for (let i = 0; i < n; i++) out[i] = t[u16[i]!]!;
  }
  return out;
}

function decodeWithDataView(bytes: Uint8Array, dtype: StorageDType, out: Uint32Array): Uint32Array {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const t = dtype === 'float16' ? halfTable() : undefined;
  for (let i = 0; i < out.length; i++) {
    if (dtype === 'float32') out[i] = view.getUint32(i * 4, true);
    else if (dtype === 'bfloat16') out[i] = view.getUint16(i * 2, true) << 16;
    else out[i] = t![view.getUint16(i * 2, true)]!;
  }
  return out;
}

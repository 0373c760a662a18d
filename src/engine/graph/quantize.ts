/**
 * Symmetric per-column int8 quantisation of a [rows, cols] matrix (MatMul's [in, out] layout:
 * one scale per output). q = round(w / scale) with scale = max|column| / 127, so the largest
 * weight of each column is exact and no value clips.
 */
export function quantizeColumns(w: Float32Array, rows: number, cols: number): { q: Int8Array; scale: Float32Array } {
  if (w.length !== rows * cols) throw new Error(`quantizeColumns: ${w.length} values for [${rows}, ${cols}]`);
  const scale = new Float32Array(cols);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) scale[c] = Math.max(scale[c]!, Math.abs(w[base + c]!));
  }
  for (let c = 0; c < cols; c++) scale[c] = scale[c]! > 0 ? scale[c]! / 127 : 1;
  const q = new Int8Array(w.length);
  for (let r = 0; r < rows; r++) {
    const base = r * cols;
    for (let c = 0; c < cols; c++) q[base + c] = Math.round(w[base + c]! / scale[c]!);
  }
  return { q, scale };
}

// One row per item of a ranking matrix: a photo's own row, and for a video the unit-normalised
// mean of its frame rows. For the questions asked of a whole video at once, where comparing its
// frames one by one would be wrong: near-duplicates (adjacent frames of one video are
// near-identical, so frame rows compared as photos would make every video a group of itself).
import type { EmbeddingMatrix } from '../rank';

export interface ItemRows {
  /** Photo keys and video hashes, in the order of their first row (EmbeddingMatrix.itemKeys). */
  keys: string[];
  /** Unit rows, `keys.length` x dim, packed. */
  rows: Float32Array;
}

/**
 * Every photo's row and every video's mean-of-frames row, normalised to unit length. The mean
 * stands for what the video shows throughout: two copies of one video (the same frames, or the
 * same scenes re-encoded) have near-equal means, a video and a photo of one of its scenes do
 * not unless the video is mostly that scene.
 */
export function itemRows(matrix: EmbeddingMatrix): ItemRows {
  const dim = matrix.dim;
  const keys = matrix.itemKeys();
  const rows = new Float32Array(keys.length * dim);
  const sum = new Float64Array(dim);
  keys.forEach((key, i) => {
    const out = rows.subarray(i * dim, (i + 1) * dim);
    if (!matrix.frameRows(key).length) out.set(matrix.get(key)!);
    else meanOfFrames(matrix, key, sum, out);
  });
  return { keys, rows };
}

/** A photo's row, or a video's mean-of-frames row (unit length); null for a key the matrix does not hold. */
export function itemVector(matrix: EmbeddingMatrix, key: string): Float32Array | null {
  if (!matrix.frameRows(key).length) return matrix.get(key);
  const out = new Float32Array(matrix.dim);
  meanOfFrames(matrix, key, new Float64Array(matrix.dim), out);
  return out;
}

function meanOfFrames(matrix: EmbeddingMatrix, video: string, sum: Float64Array, out: Float32Array): void {
  sum.fill(0);
  for (const r of matrix.frameRows(video)) {
    const v = matrix.get(matrix.keyAt(r)!)!;
    for (let d = 0; d < sum.length; d++) sum[d] = sum[d]! + v[d]!;
  }
  unitInto(sum, out);
}

/** `v` scaled to unit length into `out` (zeros stay zeros). */
function unitInto(v: Float64Array, out: Float32Array): void {
  let norm = 0;
  for (let d = 0; d < v.length; d++) norm += v[d]! * v[d]!;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  for (let d = 0; d < v.length; d++) out[d] = v[d]! * scale;
}

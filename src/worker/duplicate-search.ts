// The worker's side of "Find duplicates": the loaded model's embeddings grouped by src/engine/duplicates.ts.
import { findDuplicates } from '../engine/duplicates';
import type { EmbeddingMatrix } from '../engine/rank';
import type { DuplicatesResult, TaskProgress } from './protocol';

/** Progress messages at most this often (a block of rows takes a few milliseconds). */
const PROGRESS_EVERY_MS = 100;

export async function duplicateGroups(
  matrix: EmbeddingMatrix,
  threshold: number,
  signal: AbortSignal,
  progress: (p: TaskProgress) => void,
): Promise<DuplicatesResult> {
  const { keys, rows } = matrix.rows();
  const started = Date.now();
  let last = 0;
  const groups = await findDuplicates(keys, rows, matrix.dim, {
    threshold,
    signal,
    onProgress(done, total) {
      const now = Date.now();
      if (now - last < PROGRESS_EVERY_MS && done < total) return;
      last = now;
      const rate = done / Math.max(0.001, (now - started) / 1000);
      progress({ phase: 'duplicates', label: 'Comparing photos', done, total, rate, etaSeconds: done > 0 ? (total - done) / rate : null });
    },
  });
  return { groups: groups.map((g) => ({ hashes: g.keys, minSimilarity: g.minSimilarity, maxSimilarity: g.maxSimilarity })), compared: keys.length };
}

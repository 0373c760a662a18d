// The worker's side of "Find duplicates": the loaded model's embeddings grouped by src/engine/duplicates.ts.
// Photos and videos are compared in one scan, one row each: a video by the unit mean of its
// frame rows (engine/video/item-rows.ts), listed by its hash. Its frames are never compared as
// photos: adjacent frames are near-identical, so every video would be a group of its own frames.
// The mean over the best-matching frames was the alternative; it needs every frame pair of every
// two videos (and of every video and photo), while the mean keeps the scan at one row per item
// and still finds what "duplicate" means for a video: a copy (re-encoded, renamed) whose frames
// show the same things throughout.
import { findDuplicates } from '../engine/duplicates';
import type { EmbeddingMatrix } from '../engine/rank';
import { itemRows } from '../engine/video/item-rows';
import type { DuplicatesResult, TaskProgress } from './protocol';

/** Progress messages at most this often (a block of rows takes a few milliseconds). */
const PROGRESS_EVERY_MS = 100;

export async function duplicateGroups(
  matrix: EmbeddingMatrix,
  threshold: number,
  signal: AbortSignal,
  progress: (p: TaskProgress) => void,
): Promise<DuplicatesResult> {
  const { keys, rows } = itemRows(matrix);
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

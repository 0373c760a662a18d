// Zero-shot albums in the worker: the categories' vectors (the text encoder's work, kept per
// model, categories and templates) and every photo's best category, as one product with the
// stored embeddings (engine/query/zero-shot.ts); nothing is embedded again. A video is one
// member, by its hash, scored by its frames (albumScores).
import type { EmbeddingMatrix } from '../engine/rank';
import { scoreSpread } from '../engine/query/unsorted';
import { classify, classVectors, decide, scoresOf, type ClassVectors, type EmbedTexts, type ZeroShotScores } from '../engine/query/zero-shot';
import { isFrameKey, itemOf } from '../engine/video/frame-key';
import type { AlbumScores } from './protocol';

/** Category lists kept: the one shown and a few the user went back and forth between. */
const KEPT = 8;

/** Class vectors by model, categories and templates, the most recent last. */
export class ClassVectorCache {
  private readonly kept = new Map<string, Promise<ClassVectors>>();

  get(model: string, labels: readonly string[], templates: readonly string[], embedTexts: EmbedTexts): Promise<ClassVectors> {
    const key = JSON.stringify([model, labels, templates]);
    const hit = this.kept.get(key);
    if (hit) {
      this.kept.delete(key);
      this.kept.set(key, hit);
      return hit;
    }
    const made = classVectors(labels, templates, embedTexts);
    this.kept.set(key, made);
    made.catch(() => this.kept.delete(key));
    while (this.kept.size > KEPT) this.kept.delete(this.kept.keys().next().value!);
    return made;
  }
}

/**
 * Every photo and video of the matrix (or only `hashes`, those it has) scored against the
 * categories; a video is listed once, by its hash, never by its frames.
 *
 * A video's score for each category is its best frame's score for it (not the score of one
 * mean-of-frames vector, as duplicates use): a video is sorted the way search ranks it, by its
 * best moment, so a clip with a minute on the beach goes to "beach" however much else it shows,
 * and its scores are real frames' cosines, on the same scale as the photos' it is ranked with
 * in an album. A mean of different scenes is a blend that looks like none of them. Its category
 * is the argmax of those best scores, its margin and spread taken from them as a photo's are.
 */
export function albumScores(classes: ClassVectors, matrix: EmbeddingMatrix, hashes: readonly string[] | null): AlbumScores {
  const dim = matrix.dim;
  let keys: string[];
  /** The item (index into keys) of each row classified. */
  let itemOfRow: Int32Array;
  let rowScores: ZeroShotScores;
  if (hashes === null) {
    keys = matrix.itemKeys();
    itemOfRow = new Int32Array(matrix.size);
    if (matrix.videoCount) {
      const at = new Map(keys.map((k, i) => [k, i]));
      for (let r = 0; r < matrix.size; r++) itemOfRow[r] = at.get(itemOf(matrix.keyAt(r)!))!;
    }
    rowScores = classify(classes, matrix);
  } else {
    keys = [...new Set(hashes)].filter((h) => !isFrameKey(h) && matrix.hasItem(h));
    const rowsOf = keys.map((h) => {
      const row = matrix.rowOf(h);
      return row === undefined ? matrix.frameRows(h) : [row];
    });
    const count = rowsOf.reduce((n, rows) => n + rows.length, 0);
    const rows = new Float32Array(count * dim);
    itemOfRow = new Int32Array(count);
    let at = 0;
    rowsOf.forEach((list, item) => {
      for (const r of list) {
        rows.set(matrix.get(matrix.keyAt(r)!)!, at * dim);
        itemOfRow[at++] = item;
      }
    });
    rowScores = classify(classes, rows);
  }
  const result = bestPerItem(rowScores, itemOfRow, keys.length);
  const spread = new Float32Array(keys.length);
  const score = new Float32Array(keys.length);
  for (let r = 0; r < keys.length; r++) {
    const scores = scoresOf(result, r);
    spread[r] = scoreSpread(scores);
    score[r] = scores[result.best[r]!]!;
  }
  return { labels: classes.labels, templates: classes.templates, hashes: keys, best: result.best, score, margin: result.margin, spread };
}

/** Each item's score per category: its row's, or the best of its frames' rows (a video). */
function bestPerItem(rows: ZeroShotScores, itemOfRow: Int32Array, items: number): ZeroShotScores {
  if (items === rows.count) return rows; // no video: one row per item, in item order
  const n = rows.labels.length;
  const scores = new Float32Array(items * n).fill(-Infinity);
  for (let r = 0; r < rows.count; r++) {
    const base = itemOfRow[r]! * n;
    for (let c = 0; c < n; c++) {
      const s = rows.scores[r * n + c]!;
      if (s > scores[base + c]!) scores[base + c] = s;
    }
  }
  return decide(rows.labels, scores, items);
}

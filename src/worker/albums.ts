// Zero-shot albums in the worker: the categories' vectors (the text encoder's work, kept per
// model, categories and templates) and every photo's best category, as one product with the
// stored embeddings (engine/query/zero-shot.ts); nothing is embedded again.
import type { EmbeddingMatrix } from '../engine/rank';
import { scoreSpread } from '../engine/query/unsorted';
import { classify, classVectors, scoresOf, type ClassVectors, type EmbedTexts } from '../engine/query/zero-shot';
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

/** Every photo of the matrix (or only `hashes`, those it has) scored against the categories. */
export function albumScores(classes: ClassVectors, matrix: EmbeddingMatrix, hashes: readonly string[] | null): AlbumScores {
  const dim = matrix.dim;
  let keys: string[];
  let result;
  if (hashes === null) {
    keys = matrix.keyList();
    result = classify(classes, matrix);
  } else {
    keys = [...new Set(hashes)].filter((h) => matrix.has(h));
    const rows = new Float32Array(keys.length * dim);
    keys.forEach((h, i) => rows.set(matrix.get(h)!, i * dim));
    result = classify(classes, rows);
  }
  const spread = new Float32Array(keys.length);
  const score = new Float32Array(keys.length);
  for (let r = 0; r < keys.length; r++) {
    const scores = scoresOf(result, r);
    spread[r] = scoreSpread(scores);
    score[r] = scores[result.best[r]!]!;
  }
  return { labels: classes.labels, templates: classes.templates, hashes: keys, best: result.best, score, margin: result.margin, spread };
}

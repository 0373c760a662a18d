// The empty text's cosine with every photo of a model, kept between queries: the baseline text
// queries are measured from (src/engine/query/relevance.ts). Rows are only ever appended to a
// matrix, so photos indexed later are scored as they come.
import { normalized, type EmbeddingMatrix } from '../engine/rank';
import type { EmptyTextScores } from './search';

export class EmptyTextCache {
  private matrix: EmbeddingMatrix | null = null;
  private vector: Float32Array | null = null;
  private scores = new Float32Array(0);
  private rows = 0;

  /** `embed`: the empty text's embedding under the matrix's model. */
  async scoresFor(matrix: EmbeddingMatrix, embed: () => Promise<Float32Array>): Promise<EmptyTextScores> {
    if (matrix !== this.matrix) {
      this.vector = null;
      this.rows = 0;
    }
    if (!this.vector) {
      this.vector = normalized(await embed());
      this.matrix = matrix;
    }
    const n = matrix.size;
    if (this.rows < n) {
      if (this.scores.length < n) {
        const grown = new Float32Array(Math.max(n, Math.ceil(this.scores.length * 1.5)));
        grown.set(this.scores.subarray(0, this.rows));
        this.scores = grown;
      }
      this.scores.set(matrix.scoreRows(this.vector, this.rows, n), this.rows);
      this.rows = n;
    }
    return { vector: this.vector, scores: this.scores.subarray(0, n) };
  }
}

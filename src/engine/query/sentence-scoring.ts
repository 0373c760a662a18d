// Sentence-aware scoring: one query vector from the embeddings of a whole text and of its
// sentences, and a photo's cosine with each sentence.
import { normalized } from '../rank';

/**
 * Sentence-aware scoring. Long-CLIP weights the start of a long text most, so a detail in the
 * fourth sentence barely moves the whole-text embedding; scoring each sentence on its own
 * gives every detail a say. A photo's score is the mean of its whole-text cosine and the mean
 * of its per-sentence cosines:
 *
 *   score(p) = 1/2 cos(whole, p) + 1/2 mean_i cos(sentence_i, p) = p . q
 *
 * Photo embeddings are unit vectors, so this is one dot product with the combined query q
 * returned here (not unit length): a single scan of the index ranks it exactly.
 */
export function sentenceAwareQuery(whole: ArrayLike<number>, sentences: readonly ArrayLike<number>[]): Float32Array {
  const w = normalized(whole);
  if (sentences.length === 0) return w;
  const q = new Float32Array(w.length);
  for (let d = 0; d < q.length; d++) q[d] = 0.5 * w[d]!;
  const share = 0.5 / sentences.length;
  for (const s of sentences) {
    if (s.length !== w.length) throw new RangeError(`sentence embedding of ${s.length} values, the whole text has ${w.length}`);
    const u = normalized(s);
    for (let d = 0; d < q.length; d++) q[d] = q[d]! + share * u[d]!;
  }
  return q;
}

/** Per-sentence cosines of one photo (unit vector), in sentence order. */
export function sentenceScores(photo: ArrayLike<number>, sentences: readonly ArrayLike<number>[]): number[] {
  return sentences.map((s) => {
    const u = normalized(s);
    let dot = 0;
    for (let d = 0; d < u.length; d++) dot += u[d]! * photo[d]!;
    return dot;
  });
}

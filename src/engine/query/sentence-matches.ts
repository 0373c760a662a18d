/** How one sentence of a query scores across the library: the spread a photo's score is judged against. */
export interface SentenceStats {
  text: string;
  mean: number;
  std: number;
}

/**
 * A sentence "matches" a photo when the photo scores at least this many standard deviations
 * above the library's mean for that sentence. Cosines of CLIP models sit in a narrow band that
 * differs per text, so a fixed cosine cut would mean something else for every sentence.
 */
export const SENTENCE_MATCH_Z = 1;

export function sentenceStats(text: string, scores: ArrayLike<number>): SentenceStats {
  const n = scores.length;
  let sum = 0;
  for (let i = 0; i < n; i++) sum += scores[i]!;
  const mean = n ? sum / n : 0;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (scores[i]! - mean) ** 2;
  return { text, mean, std: n ? Math.sqrt(sq / n) : 0 };
}

/** The sentences (0-based) that a photo with these per-sentence scores matches. */
export function matchedSentences(scores: readonly number[], stats: readonly SentenceStats[], z = SENTENCE_MATCH_Z): number[] {
  const out: number[] = [];
  stats.forEach((s, i) => {
    const score = scores[i];
    if (score !== undefined && s.std > 0 && (score - s.mean) / s.std >= z) out.push(i);
  });
  return out;
}

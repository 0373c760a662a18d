// Relevance: how far a photo's score stands above what the model gives it anyway, in units of
// the query's spread over the library, so that it means the same for every kind of query.

/**
 * A photo is a match when its score is at least this many of the library's standard deviations
 * (for this query) above its baseline. Measured on the demo gallery by `npm run report:relevance`
 * (README "Matches and relevance"): at 2 every 248-token target is a match, with plain and with
 * sentence-aware scoring, and none of eleven unrelated queries ("a cat", "receipt") has one.
 */
export const MATCH_RELEVANCE = 2;

/**
 * The baseline a photo's score is measured from. A text query (plain, sentence-aware, or advanced
 * terms with a text) is compared with the photo's cosine to the empty text: what the model expects
 * of that photo for any description, so a photo that scores high for everything ("a hub") is not
 * a match for everything. A photo query ("More like this") has no such neutral text: its baseline
 * is the library's mean score.
 */
export type RelevanceBaseline = 'empty-text' | 'mean';

/** The text whose embedding is the `empty-text` baseline. */
export const EMPTY_TEXT = '';

/** The spread of one query's cosines over the library. */
export interface ScoreSpread {
  /** Photos the spread is over. */
  count: number;
  mean: number;
  std: number;
}

/**
 * Relevance of a photo's cosine: (cosine - baseline) / spread, with the spread (and, for the
 * `mean` baseline, the mean) of the library's other photos. Leaving the photo out matters in a
 * small library, where one photo that fits the description well widens the spread it is measured
 * by: among 6 demo scenes the described one reaches 1.3 deviations counted with itself, 2.7
 * without. 0 where there is no other photo or no spread. A photo indexed after the spread was
 * taken (`inSpread` false) is measured against all of it.
 */
export function relevanceOf(cosine: number, baseline: number | null, spread: ScoreSpread, inSpread = true): number {
  if (!inSpread) return spread.std > 0 ? (cosine - (baseline ?? spread.mean)) / spread.std : 0;
  const n = spread.count;
  if (n < 2) return 0;
  const sum = spread.mean * n - cosine;
  const sumSq = (spread.std ** 2 + spread.mean ** 2) * n - cosine * cosine;
  const mean = sum / (n - 1);
  const variance = sumSq / (n - 1) - mean * mean;
  return variance > 0 ? (cosine - (baseline ?? mean)) / Math.sqrt(variance) : 0;
}

/** The words the app shows for a relevance (the cut is MATCH_RELEVANCE). */
export type RelevanceLevel = 'strong' | 'match' | 'weak' | 'none';

export function relevanceLevel(relevance: number): RelevanceLevel {
  if (relevance >= 2 * MATCH_RELEVANCE) return 'strong';
  if (relevance >= MATCH_RELEVANCE) return 'match';
  if (relevance >= MATCH_RELEVANCE / 2) return 'weak';
  return 'none';
}

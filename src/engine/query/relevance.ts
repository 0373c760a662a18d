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
  mean: number;
  std: number;
}

/** Relevance of a cosine: (cosine - baseline) / std, 0 where the library has no spread. */
export function relevanceOf(cosine: number, baseline: number, spread: ScoreSpread): number {
  return spread.std > 0 ? (cosine - baseline) / spread.std : 0;
}

/** The words the app shows for a relevance (the cut is MATCH_RELEVANCE). */
export type RelevanceLevel = 'strong' | 'match' | 'weak' | 'none';

export function relevanceLevel(relevance: number): RelevanceLevel {
  if (relevance >= 2 * MATCH_RELEVANCE) return 'strong';
  if (relevance >= MATCH_RELEVANCE) return 'match';
  if (relevance >= MATCH_RELEVANCE / 2) return 'weak';
  return 'none';
}

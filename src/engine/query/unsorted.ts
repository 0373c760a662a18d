// The "Unsorted" rule of zero-shot albums: a photo whose best category is not clearly ahead of
// the rest is left out of every album. The rule and its threshold are measured on the demo
// gallery by `npm run report:albums` (bench/albums.ts); README "Albums" gives the numbers.

/** The population standard deviation of one photo's scores across the categories (0 with one category). */
export function scoreSpread(scores: ArrayLike<number>): number {
  const n = scores.length;
  if (n < 2) return 0;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += scores[i]!;
  mean /= n;
  let sq = 0;
  for (let i = 0; i < n; i++) sq += (scores[i]! - mean) ** 2;
  return Math.sqrt(sq / n);
}

/** The lead of the best score over the runner-up, in units of the photo's own spread across categories. */
export function relativeMargin(margin: number, spread: number): number {
  if (!Number.isFinite(margin)) return Infinity; // a single category
  return spread > 0 ? margin / spread : 0;
}

/** A photo is sorted when its best score leads the runner-up by at least this many of its own spreads. */
export const CLEAR_LEAD = 0.25;

/** Whether a photo is sorted into its best category (false: "Unsorted"). */
export function clearlyBest(margin: number, spread: number, lead = CLEAR_LEAD): boolean {
  return relativeMargin(margin, spread) >= lead;
}

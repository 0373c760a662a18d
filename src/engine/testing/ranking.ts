// Test-only: checks an order against a reference one, tolerating swaps between items whose
// reference scores are closer than `tolerance` (the goldens' rule for rankings).

/** Full check: every pair whose reference scores differ by >= tolerance keeps its order. */
export function orderViolations(reference: readonly number[], ours: readonly number[], tolerance: number, names?: readonly string[]): string[] {
  const bad: string[] = [];
  for (let a = 0; a < reference.length; a++) {
    for (let b = 0; b < reference.length; b++) {
      if (reference[a]! - reference[b]! >= tolerance && !(ours[a]! > ours[b]!)) {
        bad.push(
          `${names?.[a] ?? a} (${reference[a]!.toFixed(4)}) should rank above ${names?.[b] ?? b} (${reference[b]!.toFixed(4)}), got ${ours[a]!.toFixed(4)} vs ${ours[b]!.toFixed(4)}`,
        );
      }
    }
  }
  return bad;
}

/**
 * Top-k check when only the reference top-k is known: the top-k keep their order, and every
 * item outside it (whose reference score is at most the k-th) ranks below each top-k item
 * that beats the k-th by at least the tolerance.
 */
export function topKViolations(refTop: readonly string[], refScores: readonly number[], ours: ReadonlyMap<string, number>, tolerance: number): string[] {
  const bad = orderViolations(
    refScores,
    refTop.map((n) => ours.get(n) ?? -Infinity),
    tolerance,
    refTop,
  );
  const last = refScores[refScores.length - 1]!;
  for (const [name, score] of ours) {
    if (refTop.includes(name)) continue;
    refTop.forEach((top, i) => {
      if (refScores[i]! - last >= tolerance && !(ours.get(top)! > score))
        bad.push(`${top} should rank above ${name}: ${ours.get(top)!.toFixed(4)} vs ${score.toFixed(4)}`);
    });
  }
  return bad;
}

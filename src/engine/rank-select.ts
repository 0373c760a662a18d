// Selection of the best k scores, for ranking.

/** Indices (below n) of the k largest scores, best first; ties keep the lower index first. */
export function topK(scores: Float32Array, n: number, k: number): number[] {
  if (k <= 0) return [];
  const byScore = (a: number, b: number) => scores[b]! - scores[a]! || a - b;
  if (k * 8 >= n)
    return Array.from({ length: n }, (_, i) => i)
      .sort(byScore)
      .slice(0, k);
  // A min-heap (worst at the root) of the best k seen so far: O(n log k), and most rows are
  // turned away by one comparison with the root.
  const heap = new Int32Array(k);
  for (let i = 0; i < k; i++) {
    heap[i] = i;
    let c = i;
    while (c > 0) {
      const p = (c - 1) >> 1;
      const a = heap[c]!;
      const b = heap[p]!;
      if (!(scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b))) break;
      heap[c] = b;
      heap[p] = a;
      c = p;
    }
  }
  for (let i = k; i < n; i++) {
    const s = scores[i]!;
    const root = heap[0]!;
    // Row i beats the root only with a strictly higher score (a tie goes to the lower root).
    if (!(s > scores[root]!)) continue;
    heap[0] = i;
    let p = 0;
    for (;;) {
      const l = 2 * p + 1;
      if (l >= k) break;
      const r = l + 1;
      let m = l;
      if (r < k) {
        const a = heap[r]!;
        const b = heap[l]!;
        if (scores[a]! < scores[b]! || (scores[a] === scores[b] && a > b)) m = r;
      }
      const child = heap[m]!;
      const cur = heap[p]!;
      if (!(scores[child]! < scores[cur]! || (scores[child] === scores[cur] && child > cur))) break;
      heap[p] = child;
      heap[m] = cur;
      p = m;
    }
  }
  return Array.from(heap).sort(byScore);
}

/** The k-th largest of values[0..n) (1 <= k <= n). */
export function kthLargest(values: Float64Array, n: number, k: number): number {
  // A min-heap of the k largest values.
  const heap = new Float64Array(k);
  for (let i = 0; i < k; i++) {
    let c = i;
    const v = values[i]!;
    while (c > 0) {
      const p = (c - 1) >> 1;
      if (!(v < heap[p]!)) break;
      heap[c] = heap[p]!;
      c = p;
    }
    heap[c] = v;
  }
  for (let i = k; i < n; i++) {
    const v = values[i]!;
    if (!(v > heap[0]!)) continue;
    let p = 0;
    for (;;) {
      const l = 2 * p + 1;
      if (l >= k) break;
      const r = l + 1;
      const m = r < k && heap[r]! < heap[l]! ? r : l;
      if (!(heap[m]! < v)) break;
      heap[p] = heap[m]!;
      p = m;
    }
    heap[p] = v;
  }
  return heap[0]!;
}

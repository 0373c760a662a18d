/**
 * Unit-length embeddings packed in one growing Float32Array, ranked by cosine (a dot product
 * of unit vectors). Keys are content hashes; adding an existing key replaces its vector.
 */
export class EmbeddingMatrix {
  private data: Float32Array;
  private readonly keys: string[] = [];
  private readonly index = new Map<string, number>();

  constructor(readonly dim: number, capacity = 1024) {
    this.data = new Float32Array(dim * Math.max(1, capacity));
  }

  get size(): number {
    return this.keys.length;
  }

  has(key: string): boolean {
    return this.index.has(key);
  }

  /** A copy of a stored (unit) vector. */
  get(key: string): Float32Array | null {
    const row = this.index.get(key);
    return row === undefined ? null : this.data.slice(row * this.dim, (row + 1) * this.dim);
  }

  add(key: string, vector: ArrayLike<number>): void {
    if (vector.length !== this.dim) throw new RangeError(`embedding of ${vector.length} values, the index holds ${this.dim}`);
    let row = this.index.get(key);
    if (row === undefined) {
      row = this.keys.length;
      if ((row + 1) * this.dim > this.data.length) {
        const grown = new Float32Array(this.data.length * 2);
        grown.set(this.data);
        this.data = grown;
      }
      this.keys.push(key);
      this.index.set(key, row);
    }
    this.data.set(normalized(vector), row * this.dim);
  }

  /** The `limit` best keys by cosine to `query` (all of them when limit is null), best first. */
  rank(query: ArrayLike<number>, limit: number | null = null): { key: string; score: number }[] {
    const q = normalized(query);
    const n = this.keys.length;
    const dim = this.dim;
    const scores = new Float32Array(n);
    const data = this.data;
    for (let r = 0; r < n; r++) {
      let dot = 0;
      const base = r * dim;
      for (let k = 0; k < dim; k++) dot += data[base + k]! * q[k]!;
      scores[r] = dot;
    }
    const k = limit === null ? n : Math.min(limit, n);
    const order = topK(scores, k);
    return order.map((r) => ({ key: this.keys[r]!, score: scores[r]! }));
  }
}

export function normalized(v: ArrayLike<number>): Float32Array {
  let norm = 0;
  for (let i = 0; i < v.length; i++) norm += v[i]! * v[i]!;
  const scale = norm > 0 ? 1 / Math.sqrt(norm) : 0;
  const out = new Float32Array(v.length);
  for (let i = 0; i < v.length; i++) out[i] = v[i]! * scale;
  return out;
}

/** Indices of the k largest scores, best first; ties keep the lower index first. */
function topK(scores: Float32Array, k: number): number[] {
  const n = scores.length;
  if (k <= 0) return [];
  const byScore = (a: number, b: number) => scores[b]! - scores[a]! || a - b;
  if (k * 8 >= n) return Array.from({ length: n }, (_, i) => i).sort(byScore).slice(0, k);
  // A min-heap of the best k seen so far keeps large libraries at O(n log k).
  const heap: number[] = [];
  const worse = (a: number, b: number) => byScore(a, b) > 0;
  const up = (i: number) => {
    while (i > 0) {
      const p = (i - 1) >> 1;
      if (!worse(heap[i]!, heap[p]!)) break;
      [heap[i], heap[p]] = [heap[p]!, heap[i]!];
      i = p;
    }
  };
  const down = (i: number) => {
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < heap.length && worse(heap[l]!, heap[m]!)) m = l;
      if (r < heap.length && worse(heap[r]!, heap[m]!)) m = r;
      if (m === i) return;
      [heap[i], heap[m]] = [heap[m]!, heap[i]!];
      i = m;
    }
  };
  for (let i = 0; i < n; i++) {
    if (heap.length < k) {
      heap.push(i);
      up(heap.length - 1);
    } else if (byScore(i, heap[0]!) < 0) {
      heap[0] = i;
      down(0);
    }
  }
  return heap.sort(byScore);
}

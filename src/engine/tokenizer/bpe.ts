// CLIP's byte-level BPE over vocabulary ids. The official loop (merge every occurrence of the
// lowest-ranked pair, left to right, then look again) is quadratic in the word length; this
// does the same merges with a heap and a linked list, so a pasted 100k-character "word" stays fast.
import { BYTE_ORDER, BYTE_TO_CHAR, BYTE_TO_ID } from './byte-unicode';
import type { MergePair } from './merges';

export const START_ID = 49406;
export const END_ID = 49407;
export const START_TOKEN = '<|startoftext|>';
export const END_TOKEN = '<|endoftext|>';

/** Open-addressing table from a pair of ids to the merge rank (ids < 2^16, so a pair fits 32 bits). */
class PairRanks {
  private readonly keys: Uint32Array;
  private readonly ranks: Int32Array; // rank + 1; 0 = empty slot
  private readonly mask: number;

  constructor(capacityPow2: number) {
    this.keys = new Uint32Array(capacityPow2);
    this.ranks = new Int32Array(capacityPow2);
    this.mask = capacityPow2 - 1;
  }

  set(a: number, b: number, rank: number): void {
    const key = ((a << 16) | b) >>> 0;
    let i = this.slot(key);
    while (this.ranks[i] !== 0 && this.keys[i] !== key) i = (i + 1) & this.mask;
    this.keys[i] = key;
    this.ranks[i] = rank + 1;
  }

  /** The rank of merging (a, b), or -1. */
  get(a: number, b: number): number {
    const key = ((a << 16) | b) >>> 0;
    let i = this.slot(key);
    for (;;) {
      const r = this.ranks[i]!;
      if (r === 0) return -1;
      if (this.keys[i] === key) return r - 1;
      i = (i + 1) & this.mask;
    }
  }

  private slot(key: number): number {
    return (Math.imul(key, 0x9e3779b1) >>> 12) & this.mask;
  }
}

export class BpeModel {
  /** Token string of every id: bytes, bytes + "</w>", merges, then the two special tokens. */
  readonly vocab: readonly string[];
  private readonly ranks: PairRanks;
  /** Id of the token a merge of rank r produces. */
  private readonly mergedId: Int32Array;

  constructor(merges: readonly MergePair[]) {
    const bytes = BYTE_ORDER.map((b) => BYTE_TO_CHAR[b]!);
    const vocab = [...bytes, ...bytes.map((c) => c + '</w>'), ...merges.map(([a, b]) => a + b), START_TOKEN, END_TOKEN];
    this.vocab = vocab;
    // Python's dict(zip(vocab, ids)): a string listed twice maps to its last id.
    const encoder = new Map<string, number>();
    vocab.forEach((token, id) => encoder.set(token, id));
    if (vocab.length > 0x10000) throw new RangeError(`vocabulary of ${vocab.length} tokens does not fit 16-bit ids`);

    let capacity = 1024;
    while (capacity < merges.length * 2) capacity *= 2;
    this.ranks = new PairRanks(capacity);
    this.mergedId = new Int32Array(merges.length);
    merges.forEach(([a, b], rank) => {
      const ia = encoder.get(a);
      const ib = encoder.get(b);
      this.mergedId[rank] = encoder.get(a + b)!;
      // A part that is no token can never appear in a word, so that merge can never fire.
      if (ia !== undefined && ib !== undefined) this.ranks.set(ia, ib, rank);
    });
  }

  /** BPE of one pre-tokenized piece, given as UTF-8 bytes (at least one). */
  encodeBytes(bytes: ArrayLike<number>): number[] {
    const n = bytes.length;
    if (n === 0) return [];
    const sym = new Int32Array(n);
    for (let i = 0; i < n; i++) sym[i] = BYTE_TO_ID[bytes[i]! & 0xff]!;
    sym[n - 1]! += 256; // the word-final "</w>" form
    if (n === 1) return [sym[0]!];

    const next = new Int32Array(n);
    const prev = new Int32Array(n);
    for (let i = 0; i < n; i++) {
      next[i] = i + 1 < n ? i + 1 : -1;
      prev[i] = i - 1;
    }
    // Heap entries are rank * n + position of the pair's left symbol: lowest rank first,
    // then left to right, which is the official merge order.
    const heap: number[] = [];
    for (let i = 0; i + 1 < n; i++) {
      const r = this.ranks.get(sym[i]!, sym[i + 1]!);
      if (r >= 0) heapPush(heap, r * n + i);
    }
    const batch: number[] = [];
    const merged: number[] = [];
    while (heap.length > 0) {
      const rank = Math.floor(heap[0]! / n);
      // All pending pairs of this rank are merged in one sweep before new pairs are looked at,
      // exactly like one pass of the official loop.
      batch.length = 0;
      while (heap.length > 0 && Math.floor(heap[0]! / n) === rank) batch.push(heapPop(heap) - rank * n);
      merged.length = 0;
      const id = this.mergedId[rank]!;
      for (const pos of batch) {
        const nx = next[pos]!;
        if (sym[pos]! < 0 || nx < 0 || this.ranks.get(sym[pos]!, sym[nx]!) !== rank) continue; // stale
        sym[pos] = id;
        sym[nx] = -1;
        const after = next[nx]!;
        next[pos] = after;
        if (after >= 0) prev[after] = pos;
        merged.push(pos);
      }
      for (const pos of merged) {
        const p = prev[pos]!;
        if (p >= 0) {
          const r = this.ranks.get(sym[p]!, sym[pos]!);
          if (r >= 0) heapPush(heap, r * n + p);
        }
        const nx = next[pos]!;
        if (nx >= 0) {
          const r = this.ranks.get(sym[pos]!, sym[nx]!);
          if (r >= 0) heapPush(heap, r * n + pos);
        }
      }
    }
    const out: number[] = [];
    for (let i = 0; i >= 0; i = next[i]!) out.push(sym[i]!);
    return out;
  }
}

function heapPush(heap: number[], value: number): void {
  let i = heap.length;
  heap.push(value);
  while (i > 0) {
    const parent = (i - 1) >> 1;
    const pv = heap[parent]!;
    if (pv <= value) break;
    heap[i] = pv;
    i = parent;
  }
  heap[i] = value;
}

function heapPop(heap: number[]): number {
  const top = heap[0]!;
  const last = heap.pop()!;
  const size = heap.length;
  if (size > 0) {
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      if (l >= size) break;
      const r = l + 1;
      const c = r < size && heap[r]! < heap[l]! ? r : l;
      if (heap[c]! >= last) break;
      heap[i] = heap[c]!;
      i = c;
    }
    heap[i] = last;
  }
  return top;
}

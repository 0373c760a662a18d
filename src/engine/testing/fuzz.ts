// Test-only: seeded fuzzing. A failure names its seed and iteration; FUZZ_SEED=<seed> reruns the
// same sequence (each test has a fixed default seed, so CI runs are repeatable; set FUZZ_SEED to
// explore others).

/** mulberry32: small, fast and good enough to pick mutations. */
export class Rng {
  private state: number;
  constructor(seed: number) {
    this.state = seed >>> 0;
  }
  /** A float in [0, 1). */
  next(): number {
    let t = (this.state = (this.state + 0x6d2b79f5) >>> 0);
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 2 ** 32;
  }
  /** An integer in [0, n). */
  int(n: number): number {
    return Math.floor(this.next() * n);
  }
  chance(p: number): boolean {
    return this.next() < p;
  }
  pick<T>(items: readonly T[]): T {
    return items[this.int(items.length)]!;
  }
  bytes(n: number): number[] {
    return Array.from({ length: n }, () => this.int(256));
  }
}

export function fuzzSeed(fallback: number): number {
  const env = process.env['FUZZ_SEED'];
  return env ? Number(env) >>> 0 : fallback;
}

export interface FuzzOptions {
  name: string;
  seed: number;
  iterations: number;
  /** Any one call slower than this is taken for a hang (or a super-linear blow-up). */
  maxCallMs: number;
  /** The whole run; exceeding it fails at once rather than running on. */
  budgetMs: number;
  /** Growth of array buffers (external memory) over the run; sampled every 50 calls. */
  maxBufferGrowth?: number;
  /** Growth of the JavaScript heap, garbage included: a guard against runaway allocation. */
  maxHeapGrowth?: number;
}

/** Runs `body` `iterations` times on one seeded Rng; throws naming the seed on the first failure. */
export async function fuzz(options: FuzzOptions, body: (rng: Rng, iteration: number) => unknown): Promise<void> {
  const { name, seed, iterations, maxCallMs, budgetMs } = options;
  const maxBuffers = options.maxBufferGrowth ?? 64 * 2 ** 20;
  const maxHeap = options.maxHeapGrowth ?? 512 * 2 ** 20;
  const rng = new Rng(seed);
  const base = process.memoryUsage();
  const start = performance.now();
  let i = 0;
  const fail = (why: string) => new Error(`${name}: ${why} at iteration ${i} (rerun with FUZZ_SEED=${seed})`);
  for (; i < iterations; i++) {
    const before = performance.now();
    try {
      await body(rng, i);
    } catch (e) {
      const error = fail(e instanceof Error ? e.message : String(e));
      error.cause = e;
      throw error;
    }
    const now = performance.now();
    if (now - before > maxCallMs) throw fail(`one call took ${Math.round(now - before)} ms (limit ${maxCallMs} ms)`);
    if (now - start > budgetMs) throw fail(`the run passed its ${budgetMs} ms budget`);
    if (i % 50 === 0) {
      const m = process.memoryUsage();
      if (m.arrayBuffers - base.arrayBuffers > maxBuffers) throw fail(`array buffers grew by ${m.arrayBuffers - base.arrayBuffers} bytes`);
      if (m.heapUsed - base.heapUsed > maxHeap) throw fail(`the heap grew by ${m.heapUsed - base.heapUsed} bytes`);
    }
  }
}

/**
 * Asserts that `error` is a normal refusal: an instance of `expected` with a message, not a
 * RangeError of a huge allocation or a runaway recursion, nor a TypeError from a missed check.
 */
export function expectRefusal(error: unknown, expected: new (...args: never[]) => Error): void {
  if (!(error instanceof expected) || error.message.length === 0) {
    const what = error instanceof Error ? `${error.name}: ${error.message}` : String(error);
    throw new Error(`expected a ${expected.name}, got ${what}`);
  }
}

// Test-only: byte-level mutations of valid files, for fuzzing the readers.
import type { Rng } from '../../testing/fuzz';

/** Values that tend to break size and offset checks, for 2-, 4- and 8-byte fields. */
const INTERESTING = [
  0n,
  1n,
  0x7fn,
  0x80n,
  0xffn,
  0x7fffn,
  0xffffn,
  0x7fffffffn,
  0xfffffffen,
  0xffffffffn,
  1n << 32n,
  1n << 40n,
  (1n << 53n) - 1n,
  1n << 53n,
  1n << 63n,
  (1n << 64n) - 1n,
];

export interface MutateOptions {
  /** Half the mutations land in [start, end) (e.g. the central directory); the rest anywhere. */
  focus?: readonly [number, number];
  /** Bytes to insert (e.g. a pickle opcode with arguments); random bytes when absent. */
  insertion?: (rng: Rng) => number[];
}

/** A little-endian field of 2, 4 or 8 bytes holding an interesting value, or one near `size`. */
function field(rng: Rng, size: number): number[] {
  const width = rng.pick([2, 4, 8]);
  let v = rng.chance(0.25) ? BigInt(Math.max(0, size + rng.int(9) - 4)) : rng.pick(INTERESTING);
  return Array.from({ length: width }, () => {
    const b = Number(v & 0xffn);
    v >>= 8n;
    return b;
  });
}

function position(rng: Rng, length: number, focus: MutateOptions['focus']): number {
  if (focus && rng.chance(0.5)) {
    const start = Math.min(focus[0], length);
    const end = Math.min(focus[1], length);
    if (end > start) return start + rng.int(end - start);
  }
  return rng.int(Math.max(1, length));
}

/** One to a few mutations: bit flips, random bytes, interesting fields, cuts, inserts, deletions, copies. */
export function mutate(rng: Rng, input: Uint8Array, options: MutateOptions = {}): Uint8Array {
  let bytes: Uint8Array = input.slice();
  const rounds = 1 + rng.int(rng.chance(0.2) ? 8 : 2);
  for (let r = 0; r < rounds; r++) {
    const at = position(rng, bytes.length, options.focus);
    const kind = rng.int(8);
    if (bytes.length === 0 && kind < 3) continue;
    if (kind === 0) bytes[at] = bytes[at]! ^ (1 << rng.int(8));
    else if (kind === 1) bytes[at] = rng.int(256);
    else if (kind === 2) {
      const f = field(rng, input.length);
      bytes.set(f.slice(0, bytes.length - at), at);
    } else if (kind === 3) bytes = bytes.slice(0, rng.int(bytes.length + 1));
    else if (kind === 4 || kind === 5) {
      const extra = options.insertion && kind === 4 ? options.insertion(rng) : rng.bytes(1 + rng.int(8));
      bytes = concat(bytes.subarray(0, at), Uint8Array.from(extra), bytes.subarray(at));
    } else if (kind === 6) bytes = concat(bytes.subarray(0, at), bytes.subarray(at + 1 + rng.int(16)));
    else {
      const from = rng.int(Math.max(1, bytes.length));
      const chunk = bytes.slice(from, from + 1 + rng.int(32));
      bytes = concat(bytes.subarray(0, at), chunk, bytes.subarray(at));
    }
  }
  return bytes;
}

/**
 * The same length-preserving mutations as `[offset, byte]` patches of a large file (for
 * `PatchedSource`), and sometimes a shorter size.
 */
export function mutatePatches(rng: Rng, size: number, focus: readonly (readonly [number, number])[]): { patches: [number, number][]; size: number } {
  const patches: [number, number][] = [];
  const rounds = 1 + rng.int(rng.chance(0.2) ? 8 : 2);
  for (let r = 0; r < rounds; r++) {
    const at = position(rng, size, rng.pick(focus));
    const kind = rng.int(4);
    if (kind === 0) patches.push([at, rng.int(256)]);
    else if (kind === 1) field(rng, size).forEach((b, i) => patches.push([at + i, b]));
    else if (kind === 2) patches.push([at, 0]);
    else size = Math.min(size, at);
  }
  return { patches: patches.filter(([at]) => at < size), size };
}

function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

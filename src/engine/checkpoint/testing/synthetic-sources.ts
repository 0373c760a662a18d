// Test-only: files that are never held whole. `SparseSource` is a file of any size (up to 2^53
// bytes) that reads as zeros except for a few written parts, so tests can hand the readers a
// "4 TB checkpoint"; `PatchedSource` is a real file with some bytes changed and its end cut.
import { checkRange, type ByteSource } from '../../io/source';

export interface SparseFile {
  size: number;
  parts: readonly { offset: number; bytes: Uint8Array }[];
}

export class SparseSource implements ByteSource {
  readonly size: number;
  constructor(
    private readonly file: SparseFile,
    readonly name = 'sparse',
  ) {
    this.size = file.size;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    const out = new Uint8Array(length);
    for (const { offset: at, bytes } of this.file.parts) {
      const from = Math.max(at, offset);
      const to = Math.min(at + bytes.length, offset + length);
      if (from < to) out.set(bytes.subarray(from - at, to - at), from - offset);
    }
    return out;
  }
}

export class PatchedSource implements ByteSource {
  constructor(
    private readonly base: Uint8Array,
    readonly size: number,
    /** [offset, byte] pairs applied in order. */
    private readonly patches: readonly (readonly [number, number])[],
    readonly name = 'patched',
  ) {}
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    const out = this.base.slice(offset, offset + length);
    for (const [at, byte] of this.patches) if (at >= offset && at < offset + length) out[at - offset] = byte;
    return out;
  }
}

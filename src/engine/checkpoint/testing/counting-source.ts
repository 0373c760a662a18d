// Test-only: a ByteSource wrapper that records every read, to prove the reader reads ranges only.
// With `maxRead` it also refuses any single read above that many bytes (before passing it on),
// to prove a hostile file is turned away before anything large is fetched, so allocated.
import type { ByteSource } from '../../io/source';

export class ReadTooLargeError extends Error {
  override name = 'ReadTooLargeError';
}

export class CountingSource implements ByteSource {
  readonly reads: { offset: number; length: number }[] = [];
  constructor(
    private readonly inner: ByteSource,
    readonly maxRead = Infinity,
  ) {}
  get name(): string {
    return this.inner.name;
  }
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    this.reads.push({ offset, length });
    if (length > this.maxRead) {
      return Promise.reject(new ReadTooLargeError(`${this.name}: read of ${length} bytes at offset ${offset}, above the test's bound of ${this.maxRead}`));
    }
    return this.inner.read(offset, length);
  }
  get bytesRead(): number {
    return this.reads.reduce((a, r) => a + r.length, 0);
  }
  get largestRead(): number {
    return this.reads.reduce((a, r) => Math.max(a, r.length), 0);
  }
}

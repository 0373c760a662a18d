// Test-only: a ByteSource wrapper that records every read, to prove the reader reads ranges only.
import type { ByteSource } from '../../io/source.ts';

export class CountingSource implements ByteSource {
  readonly reads: { offset: number; length: number }[] = [];
  constructor(private readonly inner: ByteSource) {}
  get name(): string {
    return this.inner.name;
  }
  get size(): number {
    return this.inner.size;
  }
  read(offset: number, length: number): Promise<Uint8Array> {
    this.reads.push({ offset, length });
    return this.inner.read(offset, length);
  }
  get bytesRead(): number {
    return this.reads.reduce((a, r) => a + r.length, 0);
  }
}

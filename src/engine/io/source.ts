/**
 * Random access to a large file without holding it in memory. The checkpoint reader only
 * ever asks for byte ranges, so a 1.7 GB `.pt` never sits in one ArrayBuffer.
 */
export interface ByteSource {
  /** File name, for messages and the bundle manifest. */
  readonly name: string;
  /** Total size in bytes. */
  readonly size: number;
  /** Reads exactly `length` bytes at `offset`; rejects when the range passes the end. */
  read(offset: number, length: number): Promise<Uint8Array>;
}

export class SourceRangeError extends Error {
  constructor(source: string, offset: number, length: number, size: number) {
    super(`${source}: read of ${length} bytes at offset ${offset} passes the end of the file (${size} bytes)`);
    this.name = 'SourceRangeError';
  }
}

export function checkRange(source: ByteSource, offset: number, length: number): void {
  if (!Number.isSafeInteger(offset) || !Number.isSafeInteger(length) || offset < 0 || length < 0 || offset + length > source.size) {
    throw new SourceRangeError(source.name, offset, length, source.size);
  }
}

/** A `Blob`/`File` (browser, worker, or Node's Blob) read slice by slice. */
export class BlobSource implements ByteSource {
  readonly name: string;
  readonly size: number;
  constructor(
    private readonly blob: Blob,
    name?: string,
  ) {
    this.name = name ?? (blob as Partial<File>).name ?? 'blob';
    this.size = blob.size;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    return new Uint8Array(await this.blob.slice(offset, offset + length).arrayBuffer());
  }
}

/** An in-memory buffer (tests, small files). */
export class BufferSource implements ByteSource {
  readonly size: number;
  constructor(
    private readonly bytes: Uint8Array,
    readonly name = 'buffer',
  ) {
    this.size = bytes.byteLength;
  }
  async read(offset: number, length: number): Promise<Uint8Array> {
    checkRange(this, offset, length);
    return this.bytes.subarray(offset, offset + length);
  }
}

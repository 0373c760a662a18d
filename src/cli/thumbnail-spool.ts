// The CLI's thumbnails on their way into an index file: appended to a temporary file as they come,
// never held in memory; only their places in it travel (index-output.ts copies them into the
// index file's thumbnail section in the writer's order, which need not be the order they came in).
import type { FileHandle } from 'node:fs/promises';

/** A thumbnail already in the spool file. */
export interface Spooled {
  /** Where it starts in the spool file. */
  readonly offset: number;
  readonly size: number;
}

export class ThumbnailSpool {
  private written = 0;

  constructor(private readonly handle: FileHandle) {}

  async add(bytes: Uint8Array): Promise<Spooled> {
    const offset = this.written;
    await this.handle.write(bytes, 0, bytes.length, offset);
    this.written += bytes.length;
    return { offset, size: bytes.length };
  }
}

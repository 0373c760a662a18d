// The CLI's thumbnails on their way into an index file: appended to a temporary file as they come
// (the file's thumbnail section, in photo order), never held in memory; only their sizes travel.
import type { FileHandle } from 'node:fs/promises';

/** A thumbnail already in the spool file. */
export interface Spooled {
  readonly size: number;
}

export class ThumbnailSpool {
  private written = 0;

  constructor(private readonly handle: FileHandle) {}

  async add(bytes: Uint8Array): Promise<Spooled> {
    await this.handle.write(bytes, 0, bytes.length, this.written);
    this.written += bytes.length;
    return { size: bytes.length };
  }
}

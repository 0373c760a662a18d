// Where a converted bundle is written (BundleOutput), and the output that keeps it as Blobs.
import type { WeightSink } from '../graph/weights';

/** A weight file being written piece by piece. */
export interface StreamingFile extends WeightSink {
  close(): Promise<void>;
}

/** Where a converted bundle goes: a folder on disk (CLI), memory or browser storage (app). */
export interface BundleOutput {
  writeFile(path: string, bytes: Uint8Array): Promise<void>;
  openStream(path: string): Promise<StreamingFile>;
}

/**
 * Keeps a bundle as Blobs. Chromium backs large Blobs with disk, so weights built from
 * many small parts do not have to stay in the JavaScript heap.
 */
export class BlobBundleOutput implements BundleOutput {
  readonly files = new Map<string, Blob>();

  async writeFile(path: string, bytes: Uint8Array): Promise<void> {
    this.files.set(path, new Blob([bytes as Uint8Array<ArrayBuffer>]));
  }

  async openStream(path: string): Promise<StreamingFile> {
    const parts: Blob[] = [];
    let pending: Uint8Array[] = [];
    let pendingBytes = 0;
    const flush = () => {
      if (pending.length) parts.push(new Blob(pending as Uint8Array<ArrayBuffer>[]));
      pending = [];
      pendingBytes = 0;
    };
    return {
      append: async (bytes) => {
        pending.push(bytes.slice());
        pendingBytes += bytes.byteLength;
        if (pendingBytes >= 16 * 1024 * 1024) flush();
      },
      close: async () => {
        flush();
        this.files.set(path, new Blob(parts));
      },
    };
  }
}

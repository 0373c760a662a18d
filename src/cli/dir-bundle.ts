// A model bundle as a folder on disk (the CLI and Node tests): written as it is converted, read back.
import { createWriteStream } from 'node:fs';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { once } from 'node:events';
import type { BundleFiles } from '../engine/bundle/files';
import type { BundleOutput, StreamingFile } from '../engine/bundle/output';

/** Writes a bundle into a folder; weights are streamed to disk as they are converted. */
export class DirBundleOutput implements BundleOutput {
  constructor(private readonly dir: string) {}

  async prepare(): Promise<void> {
    await mkdir(this.dir, { recursive: true });
  }

  async writeFile(path: string, bytes: Uint8Array): Promise<void> {
    await writeFile(join(this.dir, path), bytes);
  }

  async openStream(path: string): Promise<StreamingFile> {
    const stream = createWriteStream(join(this.dir, path));
    return {
      append: async (bytes) => {
        if (!stream.write(bytes)) await once(stream, 'drain');
      },
      close: () => new Promise<void>((done, fail) => stream.end((e?: Error | null) => (e ? fail(e) : done()))),
    };
  }
}

export function dirBundleFiles(dir: string): BundleFiles {
  const root = resolve(dir);
  return {
    location: root,
    async read(path) {
      try {
        return new Uint8Array(await readFile(join(root, path)));
      } catch (e) {
        const code = (e as NodeJS.ErrnoException).code;
        throw new Error(
          code === 'ENOENT'
            ? `${join(root, path)} does not exist (is ${root} a bundle written by npm run convert?)`
            : `${join(root, path)}: ${(e as Error).message}`,
          { cause: e },
        );
      }
    },
  };
}

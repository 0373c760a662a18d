// Writes an index file from the CLI: thumbnails spooled to `<out>.thumbnails.tmp` while the photos
// are gathered, then the file written to `<out>.tmp` and renamed, so `out` is whole or absent.
import { createReadStream, createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { open, rename, rm } from 'node:fs/promises';
import type { ModelIdentity } from '../engine/bundle/identity';
import type { IndexFileRecord } from '../engine/index-file/types';
import { writeIndexFile, type PhotoToWrite } from '../engine/index-file/writer';
import { ThumbnailSpool, type Spooled } from './thumbnail-spool';

export interface GatheredIndex {
  photos: PhotoToWrite<Spooled>[];
  files: IndexFileRecord[];
}

/** Gathers the photos and files with `gather` (its thumbnails go to the spool) and writes them to `out`. */
export async function writeIndexFrom<T extends GatheredIndex>(out: string, model: ModelIdentity, gather: (spool: ThumbnailSpool) => Promise<T>): Promise<T> {
  const spoolPath = `${out}.thumbnails.tmp`;
  const partial = `${out}.tmp`;
  const handle = await open(spoolPath, 'w+');
  try {
    const gathered = await gather(new ThumbnailSpool(handle));
    const parts = writeIndexFile<Spooled>({ createdBy: 'cli', model, photos: gathered.photos, files: gathered.files });
    await handle.close();
    await writeParts(partial, parts, spoolPath);
    await rename(partial, out);
    return gathered;
  } finally {
    await handle.close().catch(() => undefined);
    await rm(spoolPath, { force: true });
    await rm(partial, { force: true });
  }
}

/**
 * Writes the parts in order; the thumbnails (the spooled parts) are copied from their places in
 * the spool file, consecutive places in one read (thumbnails spooled in the writer's order: the
 * whole spool at once).
 */
async function writeParts(path: string, parts: (Uint8Array | Spooled)[], spoolPath: string): Promise<void> {
  const stream = createWriteStream(path);
  const done = new Promise<void>((resolveDone, fail) => {
    stream.on('finish', resolveDone);
    stream.on('error', fail);
  });
  const write = async (chunk: Uint8Array) => {
    if (!stream.write(chunk)) await once(stream, 'drain');
  };
  let range: { start: number; end: number } | null = null;
  const copy = async () => {
    if (range && range.end > range.start)
      for await (const chunk of createReadStream(spoolPath, { start: range.start, end: range.end - 1 })) await write(chunk as Buffer);
    range = null;
  };
  for (const part of parts) {
    if (part instanceof Uint8Array) {
      await copy();
      await write(part);
    } else if (range && range.end === part.offset) range.end += part.size;
    else {
      await copy();
      range = { start: part.offset, end: part.offset + part.size };
    }
  }
  await copy();
  stream.end();
  await done;
}

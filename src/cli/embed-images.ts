// Image files through the engine's image embedder, as the CLI commands run them: read and decoded
// ahead (sharp decodes on its own threads), embedded in order, a file that cannot be read or
// decoded reported and skipped.
import { readFile } from 'node:fs/promises';
import { ImageEmbedder, type EmbeddedImage } from '../engine/embed/image-embedder';
import type { ClipEngine } from '../engine/session/clip-engine';
import { inOrder } from './in-order';
import { DECODE_AHEAD, sharpPhotoDecoder, type BytesThumbnail } from './sharp-decoder';

/** An embedded image file: `payload` is its path. */
export type EmbeddedFile = EmbeddedImage<BytesThumbnail, string>;

export interface EmbedFilesOptions {
  /** Progress and skipped files, one line each. */
  say: (line: string) => void;
  /** Called with each image's preprocessed pixels ([3, R, R]) before it is embedded. */
  onPixels?: (path: string, pixels: Float32Array) => Promise<void>;
}

/** Embeds the files in order, handing each batch to `keep`; returns how many were skipped. */
export async function embedImageFiles(
  engine: ClipEngine,
  paths: readonly string[],
  keep: (batch: EmbeddedFile[]) => void,
  options: EmbedFilesOptions,
): Promise<{ skipped: number }> {
  // Whatever sharp decodes is embedded (TIFF too), as the official pipeline embeds whatever PIL opens.
  const embedder = new ImageEmbedder<BytesThumbnail, string>(engine.manifest, (pixels, count) => engine.encodeImages(pixels, count), sharpPhotoDecoder, {
    thumbnails: false,
    checkBytes: false,
    reduce: false,
  });
  let skipped = 0;
  let n = 0;
  for await (const outcome of inOrder(paths, DECODE_AHEAD, async (path) => embedder.prepare(new Uint8Array(await readFile(path)), ''))) {
    n++;
    const path = outcome.item;
    if ('error' in outcome) {
      skipped++;
      options.say(`skipped ${path}: ${(outcome.error as Error).message}`);
    } else {
      const pixels = embedder.addPrepared(outcome.value, path);
      if (options.onPixels) await options.onPixels(path, pixels);
    }
    if (embedder.full || n === paths.length) {
      keep(await embedder.embed());
      options.say(`images ${n}/${paths.length}`);
    }
  }
  return { skipped };
}

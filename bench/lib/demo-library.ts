// The demo model (../shared/demo) converted in memory and its 40-scene gallery embedded, for the
// reports that measure ranking rules on it.
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { convertCheckpoint } from '../../src/engine/bundle/convert';
import { blobBundleFiles } from '../../src/engine/bundle/files';
import { BlobBundleOutput } from '../../src/engine/bundle/output';
import { BlobSource } from '../../src/engine/io/source';
import { ImageEmbedder, type EmbeddedImage } from '../../src/engine/embed/image-embedder';
import { EmbeddingMatrix } from '../../src/engine/rank';
import { ClipEngine } from '../../src/engine/session/clip-engine';
import { sharpPhotoDecoder, type BytesThumbnail } from '../../src/cli/sharp-decoder';
import { demoDir, goldensDir } from '../../src/engine/testing/shared';

export interface DemoQuery {
  query: string;
  kind: 'twin' | 'single';
  context: number;
  target: string;
}

export const demo = JSON.parse(readFileSync(join(demoDir, 'demo.json'), 'utf8')) as { queries: DemoQuery[]; twins: [string, string][] };

/** The demo model on onnxruntime's WebAssembly backend, and the gallery's embeddings keyed by file name. */
export async function demoLibrary(): Promise<{ engine: ClipEngine; matrix: EmbeddingMatrix }> {
  ort.env.wasm.numThreads = 1;
  const out = new BlobBundleOutput();
  await convertCheckpoint(
    new BlobSource(new Blob([readFileSync(join(demoDir, 'demo-longclip.pt'))]), 'demo-longclip.pt'),
    new Uint8Array(readFileSync(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'))),
    out,
    { dtype: 'float32' },
  );
  const engine = await ClipEngine.load(ort, blobBundleFiles(out.files), { provider: 'wasm' });
  const gallery = readdirSync(join(demoDir, 'gallery'))
    .filter((f) => f.endsWith('.png'))
    .sort();
  const matrix = new EmbeddingMatrix(engine.embedDim, gallery.length, { prefilter: 'never' });
  const embedder = new ImageEmbedder<BytesThumbnail, string>(engine.manifest, (pixels, n) => engine.encodeImages(pixels, n), sharpPhotoDecoder, {
    thumbnails: false,
  });
  const keep = (batch: EmbeddedImage<BytesThumbnail, string>[]) => batch.forEach((p) => matrix.addUnit(p.payload, p.vector));
  for (const file of gallery) {
    await embedder.addPhoto(await readFile(join(demoDir, 'gallery', file)), 'image/png', file);
    if (embedder.full) keep(await embedder.embed());
  }
  keep(await embedder.embed());
  return { engine, matrix };
}

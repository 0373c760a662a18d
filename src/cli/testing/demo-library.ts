// Test and report helper: the demo model (../shared/demo) converted in memory and run on
// onnxruntime's WebAssembly backend, and its 40-scene gallery embedded as the app embeds photos.
import { readFileSync, readdirSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import * as ort from 'onnxruntime-web';
import { convertCheckpoint } from '../../engine/bundle/convert';
import { blobBundleFiles } from '../../engine/bundle/files';
import { BlobBundleOutput } from '../../engine/bundle/output';
import { ImageEmbedder, type EmbeddedImage } from '../../engine/embed/image-embedder';
import type { WeightDType } from '../../engine/graph/weights';
import { BlobSource } from '../../engine/io/source';
import { EmbeddingMatrix } from '../../engine/rank';
import { ClipEngine } from '../../engine/session/clip-engine';
import { demoDir, goldensDir } from '../../engine/testing/shared';
import { sharpPhotoDecoder, type BytesThumbnail } from '../sharp-decoder';

/** The gallery's file names (scene_000.png ...), sorted. */
export const demoGallery: string[] = readdirSync(join(demoDir, 'gallery'))
  .filter((f) => f.endsWith('.png'))
  .sort();

/** The demo checkpoint converted in memory with weights of `dtype`, loaded on onnxruntime-web's WASM (one thread). */
export async function demoEngine(dtype: WeightDType = 'float32'): Promise<ClipEngine> {
  ort.env.wasm.numThreads = 1;
  const out = new BlobBundleOutput();
  await convertCheckpoint(
    new BlobSource(new Blob([readFileSync(join(demoDir, 'demo-longclip.pt'))]), 'demo-longclip.pt'),
    new Uint8Array(readFileSync(join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'))),
    out,
    { dtype },
  );
  return ClipEngine.load(ort, blobBundleFiles(out.files), { provider: 'wasm' });
}

/** The gallery's unit embeddings keyed by file name, in file order, through the engine's image embedder. */
export async function embedDemoGallery(engine: ClipEngine): Promise<EmbeddingMatrix> {
  const matrix = new EmbeddingMatrix(engine.embedDim, demoGallery.length, { prefilter: 'never' });
  const embedder = new ImageEmbedder<BytesThumbnail, string>(engine.manifest, (pixels, n) => engine.encodeImages(pixels, n), sharpPhotoDecoder, {
    thumbnails: false,
  });
  const keep = (batch: EmbeddedImage<BytesThumbnail, string>[]) => batch.forEach((p) => matrix.addUnit(p.payload, p.vector));
  for (const file of demoGallery) {
    await embedder.addPhoto(await readFile(join(demoDir, 'gallery', file)), 'image/png', file);
    if (embedder.full) keep(await embedder.embed());
  }
  keep(await embedder.embed());
  return matrix;
}

/** The demo model and the gallery's embeddings. */
export async function demoLibrary(dtype: WeightDType = 'float32'): Promise<{ engine: ClipEngine; matrix: EmbeddingMatrix }> {
  const engine = await demoEngine(dtype);
  return { engine, matrix: await embedDemoGallery(engine) };
}

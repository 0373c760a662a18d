// `npm run embed`: text and image embeddings of a bundle as JSON, the encoders' raw outputs, for
// comparing with the official code; images go through the engine's image embedder.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { ImageEmbedder, type EmbeddedImage } from '../engine/embed/image-embedder';
import { parseArgs, single, UsageError } from './args';
import { listImages } from './image-files';
import { progress, runCli } from './main';
import { loadNodeEngine, parseDevice } from './node-engine';
import { inOrder } from './in-order';
import { DECODE_AHEAD, sharpPhotoDecoder, type BytesThumbnail } from './sharp-decoder';

runCli({
  usage: 'npm run embed -- --model <dir> [--texts <file.json>] [--images <file or folder>...] [--dump-pixels <dir>] [--device cpu|cuda|wasm] --out <file.json>',
  help: `
Embeds texts and images with a bundle written by npm run convert.

  --model <dir>          the bundle folder
  --texts <file.json>    a JSON array of strings
  --images <path>...     image files and folders (searched recursively for .jpg .jpeg .png .webp .gif .avif .heic .heif .hif .bmp .tif .tiff)
  --dump-pixels <dir>    also write each preprocessed image as <image file name>.f32 (float32, [3, R, R])
  --device cpu|cuda|wasm where the encoders run: onnxruntime-node on every core (default), its CUDA
                         provider (npm run setup:cuda installs it), or onnxruntime-web's WASM
  --out <file.json>      {"texts": [{"text", "tokens", "embedding"}], "images": [{"path", "embedding"}]}

Embeddings are the encoders' raw outputs (not normalised; rank by cosine). An image that cannot
be decoded is reported on stderr and skipped.`,
  async main(argv) {
    const args = parseArgs(argv, ['model', 'texts', 'images', 'dump-pixels', 'out', 'device']);
    if (args.positional.length) throw new UsageError(`unexpected argument ${args.positional[0]}`);
    const model = single(args, 'model', true);
    const out = single(args, 'out', true);
    const textsFile = single(args, 'texts');
    const dumpDir = single(args, 'dump-pixels');
    const imageArgs = args.flags.get('images') ?? [];
    if (args.flags.has('images') && imageArgs.length === 0) throw new UsageError('--images needs at least one file or folder');

    const texts = textsFile ? await readTexts(textsFile) : [];
    const images = await listImages(imageArgs);
    const engine = await loadNodeEngine(model, { device: parseDevice(single(args, 'device')), onProgress: progress });
    if (dumpDir) await mkdir(resolve(dumpDir), { recursive: true });

    const textResults = [];
    for (let i = 0; i < texts.length; i++) {
      const [r] = await engine.encodeTexts([texts[i]!]);
      textResults.push({ text: texts[i]!, tokens: Array.from(r!.ids), embedding: Array.from(r!.embedding) });
      progress(`text ${i + 1}/${texts.length}: ${r!.ids.length} tokens`);
    }

    // Whatever sharp decodes is embedded (TIFF too), as the official pipeline embeds whatever PIL opens.
    const embedder = new ImageEmbedder<BytesThumbnail, string>(engine.manifest, (pixels, count) => engine.encodeImages(pixels, count), sharpPhotoDecoder, {
      thumbnails: false,
      checkBytes: false,
      reduce: false,
    });
    const imageResults: { path: string; embedding: number[] }[] = [];
    const keep = (batch: EmbeddedImage<BytesThumbnail, string>[]) =>
      batch.forEach((p) => imageResults.push({ path: p.payload, embedding: Array.from(p.embedding) }));
    let failed = 0;
    let n = 0;
    // Read and decoded ahead, several at once (sharp decodes on its own threads); embedded in order.
    for await (const outcome of inOrder(images, DECODE_AHEAD, async (path) => embedder.prepare(new Uint8Array(await readFile(path)), ''))) {
      n++;
      const path = outcome.item;
      if ('error' in outcome) {
        failed++;
        progress(`skipped ${path}: ${(outcome.error as Error).message}`);
      } else {
        const pixels = embedder.addPrepared(outcome.value, path);
        if (dumpDir) await writeFile(join(resolve(dumpDir), `${basename(path)}.f32`), pixels);
      }
      if (embedder.full || n === images.length) {
        keep(await embedder.embed());
        progress(`images ${n}/${images.length}`);
      }
    }

    await writeFile(resolve(out), JSON.stringify({ texts: textResults, images: imageResults }));
    progress(`wrote ${resolve(out)}: ${textResults.length} texts, ${imageResults.length} images${failed ? `, ${failed} skipped` : ''}`);
    await engine.release();
  },
});

async function readTexts(file: string): Promise<string[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'not valid JSON'}`, { cause: e });
  }
  if (!Array.isArray(json) || !json.every((t) => typeof t === 'string')) throw new Error(`${file}: expected a JSON array of strings`);
  return json;
}

// `npm run embed`: text and image embeddings of a bundle as JSON, the encoders' raw outputs, for
// comparing with the official code; images go through the engine's image embedder, and so do the
// sampled frames of videos (where ffmpeg is on the PATH), one output entry per frame.
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { parseArgs, single, UsageError } from './args';
import { embedImageFiles } from './embed-images';
import { hasFfmpeg } from './ffmpeg-frames';
import { listMedia } from './image-files';
import { progress, runCli } from './main';
import { loadNodeEngine, parseDevice } from './node-engine';
import { embedVideoFile } from './video-embed';

runCli({
  usage: 'npm run embed -- --model <dir> [--texts <file.json>] [--images <file or folder>...] [--dump-pixels <dir>] [--device cpu|cuda|wasm] --out <file.json>',
  help: `
Embeds texts and images with a bundle written by npm run convert.

  --model <dir>          the bundle folder
  --texts <file.json>    a JSON array of strings
  --images <path>...     image and video files and folders (searched recursively for .jpg .jpeg .png .webp .gif .avif
                         .heic .heif .hif .bmp .tif .tiff, and for videos .mp4 .m4v .mov .webm .mkv)
  --dump-pixels <dir>    also write each preprocessed image as <image file name>.f32 (float32, [3, R, R])
  --device cpu|cuda|wasm where the encoders run: onnxruntime-node on every core (default), its CUDA
                         provider (npm run setup:cuda installs it), or onnxruntime-web's WASM
  --out <file.json>      {"texts": [{"text", "tokens", "embedding"}], "images": [{"path", "embedding"}]},
                         and with videos "frames": [{"path", "time", "embedding"}]

Embeddings are the encoders' raw outputs (not normalised; rank by cosine). An image that cannot
be decoded is reported on stderr and skipped. A video is embedded by its sampled frames (one a
second at least, and one at every cut), each an entry of "frames" with its time in seconds; this
needs ffmpeg and ffprobe on the PATH (without them, one line says the videos were skipped).`,
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
    const { images, videos } = await listMedia(imageArgs);
    const engine = await loadNodeEngine(model, { device: parseDevice(single(args, 'device')), onProgress: progress });
    if (dumpDir) await mkdir(resolve(dumpDir), { recursive: true });

    const textResults = [];
    for (let i = 0; i < texts.length; i++) {
      const [r] = await engine.encodeTexts([texts[i]!]);
      textResults.push({ text: texts[i]!, tokens: Array.from(r!.ids), embedding: Array.from(r!.embedding) });
      progress(`text ${i + 1}/${texts.length}: ${r!.ids.length} tokens`);
    }

    const imageResults: { path: string; embedding: number[] }[] = [];
    const { skipped } = await embedImageFiles(
      engine,
      images,
      (batch) => batch.forEach((p) => imageResults.push({ path: p.payload, embedding: Array.from(p.embedding) })),
      {
        say: progress,
        onPixels: dumpDir ? (path, pixels) => writeFile(join(resolve(dumpDir), `${basename(path)}.f32`), pixels) : undefined,
      },
    );

    const frameResults: { path: string; time: number; embedding: number[] }[] = [];
    let videosSkipped = 0;
    if (videos.length && !(await hasFfmpeg())) {
      videosSkipped = videos.length;
      progress(`${videos.length} video${videos.length === 1 ? '' : 's'} skipped: ffmpeg is not on the PATH (install ffmpeg to embed videos)`);
    } else {
      for (const [i, path] of videos.entries()) {
        try {
          const { frames, problem } = await embedVideoFile(engine, path, { thumbnails: false }, (batch) => {
            for (const f of batch) frameResults.push({ path, time: f.ms / 1000, embedding: Array.from(f.embedding) });
          });
          if (problem) progress(`partly embedded ${path}: ${problem}`);
          progress(`video ${i + 1}/${videos.length}: ${frames.length} frames`);
        } catch (e) {
          videosSkipped++;
          progress(`skipped ${path}: ${(e as Error).message}`);
        }
      }
    }

    await writeFile(resolve(out), JSON.stringify({ texts: textResults, images: imageResults, ...(videos.length && { frames: frameResults }) }));
    const all = skipped + videosSkipped;
    progress(
      `wrote ${resolve(out)}: ${textResults.length} texts, ${imageResults.length} images${videos.length ? `, ${frameResults.length} frames of ${videos.length - videosSkipped} videos` : ''}${all ? `, ${all} skipped` : ''}`,
    );
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

import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { basename, join, resolve } from 'node:path';
import { preprocessClip } from '../engine/preprocess/clip-preprocess';
import { parseArgs, single, UsageError } from './args';
import { decodeImageFile } from './decode-node';
import { listImages } from './image-files';
import { progress, runCli } from './main';
import { loadNodeEngine } from './node-engine';

const USAGE = 'npm run embed -- --model <dir> [--texts <file.json>] [--images <file or folder>...] [--dump-pixels <dir>] --out <file.json>';
const BATCH = 8;

runCli(USAGE, async (argv) => {
  const args = parseArgs(argv, ['model', 'texts', 'images', 'dump-pixels', 'out']);
  if (args.positional.length) throw new UsageError(`unexpected argument ${args.positional[0]}`);
  const model = single(args, 'model', true);
  const out = single(args, 'out', true);
  const textsFile = single(args, 'texts');
  const dumpDir = single(args, 'dump-pixels');
  const imageArgs = args.flags.get('images') ?? [];
  if (args.flags.has('images') && imageArgs.length === 0) throw new UsageError('--images needs at least one file or folder');

  const texts = textsFile ? await readTexts(textsFile) : [];
  const images = await listImages(imageArgs);
  const engine = await loadNodeEngine(model, progress);
  if (dumpDir) await mkdir(resolve(dumpDir), { recursive: true });

  const textResults = [];
  for (let i = 0; i < texts.length; i++) {
    const [r] = await engine.encodeTexts([texts[i]!]);
    textResults.push({ text: texts[i]!, tokens: Array.from(r!.ids), embedding: Array.from(r!.embedding) });
    progress(`text ${i + 1}/${texts.length}: ${r!.ids.length} tokens`);
  }

  const imageResults: { path: string; embedding: number[] }[] = [];
  const { resolution: r, manifest } = engine;
  const size = 3 * r * r;
  let failed = 0;
  for (let start = 0; start < images.length; start += BATCH) {
    const paths = images.slice(start, start + BATCH);
    const pixels = new Float32Array(paths.length * size);
    const ok: string[] = [];
    for (const path of paths) {
      try {
        const img = await decodeImageFile(path);
        preprocessClip(img, r, manifest.mean, manifest.std, pixels, ok.length * size);
        if (dumpDir) await writeFile(join(resolve(dumpDir), `${basename(path)}.f32`), pixels.subarray(ok.length * size, (ok.length + 1) * size));
        ok.push(path);
      } catch (e) {
        failed++;
        progress(`skipped ${path}: ${(e as Error).message}`);
      }
    }
    const embeddings = await engine.encodeImages(pixels.subarray(0, ok.length * size), ok.length);
    ok.forEach((path, i) => imageResults.push({ path, embedding: Array.from(embeddings[i]!) }));
    progress(`images ${Math.min(start + BATCH, images.length)}/${images.length}`);
  }

  await writeFile(resolve(out), JSON.stringify({ texts: textResults, images: imageResults }));
  progress(`wrote ${resolve(out)}: ${textResults.length} texts, ${imageResults.length} images${failed ? `, ${failed} skipped` : ''}`);
  await engine.release();
});

async function readTexts(file: string): Promise<string[]> {
  let json: unknown;
  try {
    json = JSON.parse(await readFile(file, 'utf8'));
  } catch (e) {
    throw new Error(`${file}: ${(e as NodeJS.ErrnoException).code === 'ENOENT' ? 'does not exist' : 'not valid JSON'}`);
  }
  if (!Array.isArray(json) || !json.every((t) => typeof t === 'string')) throw new Error(`${file}: expected a JSON array of strings`);
  return json;
}

// `npm run classify`: sorts images into categories named in a text file, by the official
// zero-shot recipe (engine/query/zero-shot.ts), and writes each image's label and scores as JSON.
import { readFile, writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkLabels, checkTemplates, classify, classVectors, DEFAULT_TEMPLATE, linesOf, scoresOf, ZeroShotError } from '../engine/query/zero-shot';
import { parseArgs, single, UsageError } from './args';
import { embedImageFiles } from './embed-images';
import { listImages } from './image-files';
import { progress, runCli } from './main';
import { loadNodeEngine, parseDevice } from './node-engine';

runCli({
  usage:
    'npm run classify -- --model <dir> --labels <labels.txt> [--template "<text with {}>"]... --images <file or folder>... [--device cpu|cuda|wasm] --out <file.json>',
  help: `
Sorts images into the categories of a list by the official zero-shot recipe (CLIP's prompt
ensembling): each category is written into every template, the sentences are embedded and
averaged as unit vectors into the category's vector, and an image's label is the category whose
vector is closest (cosine) to the image's embedding.

  --model <dir>          the bundle folder (npm run convert)
  --labels <labels.txt>  one category per line (blank lines are skipped)
  --template <text>      a sentence with {} where the category goes; repeat it for several
                         (they are averaged); default: "${DEFAULT_TEMPLATE}"
  --images <path>...     image files and folders (searched recursively, as npm run embed does)
  --device cpu|cuda|wasm where the encoders run (as for npm run embed)
  --out <file.json>      {"labels": [...], "templates": [...], "images": [{"path", "label", "scores"}]},
                         each image's scores (cosines) in label order

An image that cannot be decoded is reported on stderr and skipped.`,
  async main(argv) {
    const args = parseArgs(argv, ['model', 'labels', 'template', 'images', 'device', 'out']);
    if (args.positional.length) throw new UsageError(`unexpected argument ${args.positional[0]}`);
    const model = single(args, 'model', true);
    const out = single(args, 'out', true);
    const labelsFile = single(args, 'labels', true);
    const device = parseDevice(single(args, 'device'));
    const imageArgs = args.flags.get('images');
    if (!imageArgs) throw new UsageError('--images is required');
    if (imageArgs.length === 0) throw new UsageError('--images needs at least one file or folder');
    const templateArgs = args.flags.get('template') ?? [DEFAULT_TEMPLATE];
    if (templateArgs.length === 0) throw new UsageError('--template needs a text with {}');

    const labels = await readLabels(labelsFile);
    let templates: string[];
    try {
      templates = checkTemplates(templateArgs);
    } catch (e) {
      throw e instanceof ZeroShotError ? new UsageError(`--template: ${e.message}`) : e;
    }
    const images = await listImages(imageArgs);
    if (images.length === 0) throw new Error(`no images in ${imageArgs.join(', ')}`);

    const engine = await loadNodeEngine(model, { device, onProgress: progress });
    progress(
      `${labels.length} categories x ${templates.length} template${templates.length === 1 ? '' : 's'}: embedding ${labels.length * templates.length} sentences`,
    );
    const classes = await classVectors(labels, templates, async (texts) => (await engine.encodeTexts(texts)).map((t) => t.embedding));

    const paths: string[] = [];
    const vectors: Float32Array[] = [];
    const { skipped } = await embedImageFiles(
      engine,
      images,
      (batch) =>
        batch.forEach((p) => {
          paths.push(p.payload);
          vectors.push(p.vector);
        }),
      { say: progress },
    );
    await engine.release();

    const rows = new Float32Array(vectors.length * classes.dim);
    vectors.forEach((v, i) => rows.set(v, i * classes.dim));
    const result = classify(classes, rows);
    const counts = new Array<number>(labels.length).fill(0);
    const results = paths.map((path, i) => {
      counts[result.best[i]!]!++;
      return { path, label: labels[result.best[i]!]!, scores: Array.from(scoresOf(result, i)) };
    });
    await writeFile(resolve(out), JSON.stringify({ labels: classes.labels, templates: classes.templates, images: results }));
    progress(labels.map((label, c) => `${label} ${counts[c]}`).join(', '));
    progress(`wrote ${resolve(out)}: ${results.length} images${skipped ? `, ${skipped} skipped` : ''}`);
  },
});

/** The categories of a labels file: one per line, trimmed, blank lines skipped. */
async function readLabels(file: string): Promise<string[]> {
  let text: string;
  try {
    text = await readFile(file, 'utf8');
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new Error(code === 'ENOENT' ? `${file} does not exist` : `${file}: cannot be read (${code ?? (e as Error).message})`, { cause: e });
  }
  try {
    return checkLabels(linesOf(text));
  } catch (e) {
    throw e instanceof ZeroShotError ? new Error(`${file}: ${e.message}`, { cause: e }) : e;
  }
}

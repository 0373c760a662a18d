// `npm run index`: a folder of photos (and videos, by their frames, where ffmpeg is on the PATH)
// into an index file (.lcindex) the app imports, embedded as the app embeds them; --in continues an earlier index without embedding its photos again;
// --shard k/n indexes one machine's share of the folder, and `merge` joins the shares.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import { checkSameModel, modelIdentity } from '../engine/bundle/identity';
import { readManifest } from '../engine/bundle/files';
import { openIndexFile, type IndexReader } from '../engine/index-file/reader';
import { NodeFileSource } from '../engine/io/node-file-source';
import { parseArgs, single, UsageError } from './args';
import { dirBundleFiles } from './dir-bundle';
import { buildIndex } from './index-builder';
import { describeItems } from './index-entry';
import { mergeIndexes, mergeModel } from './index-merge';
import { writeIndexFrom } from './index-output';
import { progress, runCli } from './main';
import { loadNodeEngine, parseDevice } from './node-engine';
import { parseShard } from './shard';

runCli({
  usage:
    'npm run index -- <folder> --model <dir> --out <file.lcindex> [--in <file.lcindex>] [--shard k/n] [--device cpu|cuda|wasm]  |  npm run index -- merge <file.lcindex>... --out <file.lcindex>',
  help: `
Indexes every image under a folder (recursively) into an index file the app imports: hashed,
checked and decoded as the app does (what the app would skip is skipped, with a line on stderr),
embedded, and given the app's thumbnail. Paths start with the folder's name. Videos (.mp4 .m4v
.mov .webm .mkv) are indexed by their sampled frames (one a second at least, and one at every
cut) where ffmpeg and ffprobe are on the PATH; without them, one line says they were skipped.

  <folder>              the photos and videos
  --model <dir>         a bundle written by npm run convert (the app's Standard precision is --dtype fp16)
  --out <file>          the index file to write
  --in <file>           an earlier index of the same model (an app export, or an earlier run): its
                        photos are not embedded again and its other files are kept
  --device cpu|cuda|wasm
                        where the encoders run: onnxruntime-node on every core (default), its
                        CUDA provider (npm run setup:cuda installs it), or onnxruntime-web's WASM
  --shard k/n           only the k-th of n shares of the folder (1 <= k <= n), for n machines: a
                        file's share follows from its path below the folder

merge <file>... --out <file>
                        joins index files of one model (the shards of a folder, say) into one`,
  async main(argv) {
    if (argv[0] === 'merge') return merge(argv.slice(1));
    const args = parseArgs(argv, ['model', 'out', 'in', 'shard', 'device']);
    if (args.positional.length !== 1) throw new UsageError('give exactly one folder');
    const folder = resolve(args.positional[0]!);
    const modelDir = single(args, 'model', true);
    const out = resolve(single(args, 'out', true));
    const inFile = single(args, 'in');
    const shardArg = single(args, 'shard');
    const shard = shardArg === undefined ? null : parseShard(shardArg);
    const device = parseDevice(single(args, 'device'));
    if (!(await stat(folder).catch(() => null))?.isDirectory()) throw new Error(`${folder} is not a folder`);

    const model = modelIdentity(await readManifest(dirBundleFiles(modelDir)));
    const previous = inFile ? await openInput(inFile) : null;
    if (previous) {
      checkSameModel(previous.reader.header.model, model, inFile!, `the model in ${modelDir}`, 'Give that model with --model to continue this index.');
      const { header } = previous.reader;
      progress(`${inFile}: ${describeItems(header.photos)}, ${header.files.length} files (made by the ${header.createdBy} on ${header.createdAt})`);
    }

    const engine = await loadNodeEngine(modelDir, { device, onProgress: progress });
    try {
      const built = await writeIndexFrom(out, model, (spool) =>
        buildIndex({ folder, engine, model, previous: previous?.reader ?? null, spool, shard, log: progress }),
      );
      progress(
        `wrote ${out}: ${describeItems(built.photos)}, ${built.files.length} files (${built.embedded} embedded, ${built.reused} reused${built.skipped ? `, ${built.skipped} skipped` : ''})`,
      );
    } finally {
      await previous?.source.close();
      await engine.release();
    }
  },
});

async function merge(argv: string[]): Promise<void> {
  const args = parseArgs(argv, ['out']);
  if (args.positional.length < 1) throw new UsageError('give the index files to merge');
  const out = resolve(single(args, 'out', true));
  const inputs: { name: string; reader: IndexReader; source: NodeFileSource }[] = [];
  try {
    for (const name of args.positional) inputs.push({ name, ...(await openInput(name)) });
    const model = mergeModel(inputs);
    const merged = await writeIndexFrom(out, model, (spool) => mergeIndexes(inputs, spool, progress));
    progress(`wrote ${out}: ${describeItems(merged.photos)}, ${merged.files.length} files from ${inputs.length} index files`);
  } finally {
    for (const input of inputs) await input.source.close();
  }
}

/** An index file opened for reading; a message names the file when it cannot be read. */
async function openInput(file: string): Promise<{ reader: IndexReader; source: NodeFileSource }> {
  const source = await NodeFileSource.open(resolve(file)).catch((e: NodeJS.ErrnoException) => {
    throw new Error(`${file}: ${e.code === 'ENOENT' ? 'does not exist' : e.message}`, { cause: e });
  });
  try {
    return { reader: await openIndexFile(source), source };
  } catch (e) {
    await source.close();
    throw new Error(`${file}: ${(e as Error).message}`, { cause: e });
  }
}

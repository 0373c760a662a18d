// `npm run index`: a folder of photos into an index file (.lcindex) the app imports, embedded as
// the app embeds them; --in continues an earlier index without embedding its photos again.
import { createReadStream, createWriteStream } from 'node:fs';
import { open, rename, rm, stat } from 'node:fs/promises';
import { once } from 'node:events';
import { resolve } from 'node:path';
import { readManifest } from '../engine/bundle/files';
import { checkSameModel, modelIdentity } from '../engine/bundle/identity';
import { openIndexFile, type IndexReader } from '../engine/index-file/reader';
import { writeIndexFile } from '../engine/index-file/writer';
import { parseArgs, single, UsageError } from './args';
import { dirBundleFiles } from './dir-bundle';
import { buildIndex, type Spooled } from './index-builder';
import { progress, runCli } from './main';
import { loadNodeEngine } from './node-engine';
import { NodeFileSource } from '../engine/io/node-file-source';

runCli({
  usage: 'npm run index -- <folder> --model <dir> --out <file.lcindex> [--in <file.lcindex>]',
  help: `
Indexes every image under a folder (recursively) into an index file the app imports: hashed,
checked and decoded as the app does (what the app would skip is skipped, with a line on stderr),
embedded, and given the app's thumbnail. Paths start with the folder's name.

  <folder>              the photos
  --model <dir>         a bundle written by npm run convert (the app's Standard precision is --dtype fp16)
  --out <file>          the index file to write
  --in <file>           an earlier index of the same model (an app export, or an earlier run): its
                        photos are not embedded again and its other files are kept`,
  async main(argv) {
    const args = parseArgs(argv, ['model', 'out', 'in']);
    if (args.positional.length !== 1) throw new UsageError('give exactly one folder');
    const folder = resolve(args.positional[0]!);
    const modelDir = single(args, 'model', true);
    const out = resolve(single(args, 'out', true));
    const inFile = single(args, 'in');
    if (!(await stat(folder).catch(() => null))?.isDirectory()) throw new Error(`${folder} is not a folder`);

    const manifest = await readManifest(dirBundleFiles(modelDir));
    const model = modelIdentity(manifest);
    let source: NodeFileSource | null = null;
    let previous: IndexReader | null = null;
    if (inFile) {
      source = await NodeFileSource.open(resolve(inFile)).catch((e: NodeJS.ErrnoException) => {
        throw new Error(`${inFile}: ${e.code === 'ENOENT' ? 'does not exist' : e.message}`);
      });
      previous = await openIndexFile(source).catch((e: Error) => {
        throw new Error(`${inFile}: ${e.message}`);
      });
      checkSameModel(previous.header.model, model, inFile, `the model in ${modelDir}`, 'Give that model with --model to continue this index.');
      progress(
        `${inFile}: ${previous.header.photos.length} photos, ${previous.header.files.length} files (made by the ${previous.header.createdBy} on ${previous.header.createdAt})`,
      );
    }

    const engine = await loadNodeEngine(modelDir, progress);
    const spoolPath = `${out}.thumbnails.tmp`;
    const partial = `${out}.tmp`;
    const spool = await open(spoolPath, 'w+');
    try {
      const built = await buildIndex({ folder, engine, model, previous, spool, log: progress });
      const parts = writeIndexFile<Spooled>({ createdBy: 'cli', model, photos: built.photos, files: built.files });
      await spool.close();
      await writeParts(partial, parts, spoolPath);
      await rename(partial, out);
      progress(
        `wrote ${out}: ${built.photos.length} photos, ${built.files.length} files (${built.embedded} embedded, ${built.reused} reused${built.skipped ? `, ${built.skipped} skipped` : ''})`,
      );
    } finally {
      await spool.close().catch(() => undefined);
      await rm(spoolPath, { force: true });
      await rm(partial, { force: true });
      await source?.close();
      await engine.release();
    }
  },
});

/** Writes the parts in order; the thumbnails (the spooled parts, at the end) are copied from the spool file. */
async function writeParts(path: string, parts: (Uint8Array | Spooled)[], spoolPath: string): Promise<void> {
  const stream = createWriteStream(path);
  const done = new Promise<void>((resolveDone, fail) => {
    stream.on('finish', resolveDone);
    stream.on('error', fail);
  });
  for (const part of parts) {
    if (!(part instanceof Uint8Array)) break;
    if (!stream.write(part)) await once(stream, 'drain');
  }
  for await (const chunk of createReadStream(spoolPath)) if (!stream.write(chunk)) await once(stream, 'drain');
  stream.end();
  await done;
}

// `index_cli_per_s` against `index_pytorch_per_s`: indexing the same 12-megapixel JPEGs with
// `npm run index` (onnxruntime-node on every core, sharp decoding ahead) and with the official
// pipeline in PyTorch (bench/pytorch/index_torch.py: PIL, the official preprocessing, a
// DataLoader with a worker per core, the tuned model). Both exclude loading the model: the CLI is
// timed on all the photos and on one, and the rate is the difference (what one more photo costs);
// PyTorch is timed from the first batch to the last embedding.
import { spawn } from 'node:child_process';
import { linkSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { cacheDir, ensureDir, repoRoot } from './lib/paths';
import { round } from './lib/stats';
import { runPython } from './python';

function say(message: string): void {
  process.stderr.write(`bench[index-cli]: ${message}\n`);
}

/** Seconds `npm run index` takes on a folder. */
function timeIndex(folder: string, bundleDir: string, out: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', join(repoRoot, 'src/cli/index.ts'), folder, '--model', bundleDir, '--out', out, '--device', 'cpu'],
      {
        cwd: repoRoot,
        stdio: ['ignore', 'ignore', 'pipe'],
      },
    );
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (d: string) => (stderr += d));
    child.on('error', reject);
    child.on('close', (code) =>
      code === 0 ? resolve((performance.now() - t0) / 1000) : reject(new Error(`npm run index failed (${code}): ${stderr.slice(-300)}`)),
    );
  });
}

export interface IndexCliResult {
  photos: number;
  cli_s_all: number;
  cli_s_one: number;
  index_cli_per_s: number;
  pytorch: { photos: number; seconds: number; photos_per_s: number; load_s: number; workers: number };
  index_pytorch_per_s: number;
  ratio: number;
}

export async function indexCliBench(opts: { bundleDir: string; checkpoint: string; photosDir: string; photos: number }): Promise<IndexCliResult> {
  const files = readdirSync(opts.photosDir)
    .filter((f) => /\.jpe?g$/i.test(f))
    .sort()
    .slice(0, opts.photos);
  if (files.length < opts.photos) throw new Error(`${opts.photos} photos needed in ${opts.photosDir}`);
  const work = mkdtempSync(join(ensureDir(cacheDir), 'index-cli-'));
  try {
    const all = join(work, 'all');
    const one = join(work, 'one');
    mkdirSync(all);
    mkdirSync(one);
    for (const f of files) linkSync(join(opts.photosDir, f), join(all, f));
    linkSync(join(opts.photosDir, files[0]!), join(one, files[0]!));
    say(`npm run index on 1 and on ${files.length} photos (native CPU)`);
    const oneS = await timeIndex(one, opts.bundleDir, join(work, 'one.lcindex'));
    const allS = await timeIndex(all, opts.bundleDir, join(work, 'all.lcindex'));
    const cli = (files.length - 1) / (allS - oneS);
    say(`  ${allS.toFixed(1)} s for ${files.length}, ${oneS.toFixed(1)} s for 1: ${cli.toFixed(2)} photos/s`);
    const pytorch = (await runPython('index_torch.py', [opts.checkpoint, ...files.map((f) => join(all, f))])) as IndexCliResult['pytorch'];
    say(`  PyTorch: ${pytorch.photos_per_s} photos/s`);
    return {
      photos: files.length,
      cli_s_all: round(allS, 2),
      cli_s_one: round(oneS, 2),
      index_cli_per_s: round(cli, 3),
      pytorch,
      index_pytorch_per_s: pytorch.photos_per_s,
      ratio: round(cli / pytorch.photos_per_s, 2),
    };
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

// `npm run convert`: an official checkpoint (a PyTorch state_dict zip or safetensors) into a model
// bundle folder, with the same converter the app runs in the browser.
import { readFile, stat } from 'node:fs/promises';
import { basename, resolve } from 'node:path';
import { convertCheckpoint } from '../engine/bundle/convert';
import { parseArgs, single, UsageError } from './args';
import { DirBundleOutput } from './dir-bundle';
import { progress, runCli } from './main';
import { NodeFileSource } from '../engine/io/node-file-source';

runCli({
  usage: 'npm run convert -- <checkpoint.pt|.safetensors> --vocab <merges.txt.gz> --out <dir> [--dtype fp32|fp16|int8]',
  help: `
Converts a Long-CLIP (or CLIP ViT) checkpoint into a model bundle: manifest.json, the text and
image encoders as ONNX with external weights, and the tokenizer's merges file.

  <checkpoint>          a PyTorch state_dict zip (.pt) or the same keys as .safetensors
  --vocab <file>        CLIP's BPE merges file, bpe_simple_vocab_16e6.txt.gz
  --out <dir>           the bundle folder (created when missing)
  --dtype fp32|fp16|int8
                        how the weight matrices are stored (default fp32; the app's Standard
                        precision is fp16, Fast on CPU is int8)`,
  async main(argv) {
    const args = parseArgs(argv, ['vocab', 'out', 'dtype']);
    if (args.positional.length !== 1) throw new UsageError('give exactly one checkpoint file');
    const checkpoint = resolve(args.positional[0]!);
    const vocab = single(args, 'vocab', true);
    const out = single(args, 'out', true);
    const dtypeArg = single(args, 'dtype') ?? 'fp32';
    const dtype = ({ fp32: 'float32', fp16: 'float16', int8: 'int8' } as const)[dtypeArg];
    if (!dtype) throw new UsageError(`--dtype must be fp32, fp16 or int8, not ${dtypeArg}`);
    if (!(await stat(checkpoint).catch(() => null))?.isFile()) throw new Error(`${checkpoint} does not exist`);
    const merges = await readFile(vocab).catch(() => {
      throw new Error(`${vocab}: cannot read the merges file`);
    });

    const output = new DirBundleOutput(resolve(out));
    await output.prepare();
    const source = await NodeFileSource.open(checkpoint);
    const started = performance.now();
    let lastTenth = -1;
    try {
      const manifest = await convertCheckpoint(source, new Uint8Array(merges), output, {
        dtype,
        onProgress: ({ stage, fraction }) => {
          const tenth = Math.floor(fraction * 10);
          if (tenth !== lastTenth) progress(`${basename(checkpoint)}: ${stage} ${Math.round(fraction * 100)}%`);
          lastTenth = tenth;
        },
      });
      const a = manifest.architecture;
      progress(
        `wrote ${resolve(out)}: ViT with ${a.vision.patchSize} px patches at ${a.vision.resolution} px (vision ${a.vision.width}x${a.vision.layers}, text ${a.text.width}x${a.text.layers}, ` +
          `${a.text.contextLength} tokens, embed ${a.embedDim}), ${manifest.dtype}, ${((performance.now() - started) / 1000).toFixed(1)} s`,
      );
    } finally {
      await source.close();
    }
  },
});

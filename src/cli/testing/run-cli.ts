// Test-only: runs a CLI command as a person would (tsx in a child process) and gives its exit code and output.
import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { goldensDir } from '../../engine/testing/shared';

const exec = promisify(execFile);
const tsx = join(process.cwd(), 'node_modules/.bin/tsx');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
}

/**
 * `npm run <script> -- <args>`, runs in a child process; `script` is the file name under src/cli
 * ("convert", "index"). `env` replaces the environment (PATH need not hold node: tsx is run by
 * this very node).
 */
export async function runCli(script: string, args: readonly string[], env?: NodeJS.ProcessEnv): Promise<CliRun> {
  try {
    const { stdout, stderr } = env
      ? await exec(process.execPath, [join(process.cwd(), 'node_modules/tsx/dist/cli.mjs'), `src/cli/${script}.ts`, ...args], { env })
      : await exec(tsx, [`src/cli/${script}.ts`, ...args]);
    return { code: 0, stdout, stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, stdout: err.stdout, stderr: err.stderr };
  }
}

/** `npm run convert` of a checkpoint with the golden merges file into `out`; the run (code 0 when it worked). */
export function convertWithCli(checkpoint: string, out: string, dtype: 'fp32' | 'fp16' | 'int8'): Promise<CliRun> {
  return runCli('convert', [checkpoint, '--vocab', join(goldensDir, 'bpe_simple_vocab_16e6.txt.gz'), '--out', out, '--dtype', dtype]);
}

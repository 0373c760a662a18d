// Python for the benchmark only (the product and its tests never need it): Debian's python3 with
// python3-torch and OpenBLAS (pthread). With Debian's reference BLAS torch is ~20x slower.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from './lib/paths';

/** Debian's interpreter, not a pyenv/venv one that lacks torch. `BENCH_PYTHON` overrides. */
const PYTHON = process.env.BENCH_PYTHON ?? '/usr/bin/python3';
export const pytorchDir = join(repoRoot, 'bench', 'pytorch');
const APT_PACKAGES = ['python3-torch', 'python3-pil', 'libopenblas0-pthread'];

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs a command with stdin closed; stderr is passed through live when `echoStderr`. */
function run(cmd: string, args: string[], opts: { env?: NodeJS.ProcessEnv; echoStderr?: boolean; echoStdout?: boolean } = {}): Promise<Ran> {
  return new Promise((resolvePromise, reject) => {
    const child = spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'], env: opts.env ?? process.env });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8');
    child.stderr.setEncoding('utf8');
    child.stdout.on('data', (d: string) => {
      stdout += d;
      if (opts.echoStdout) process.stderr.write(d);
    });
    child.stderr.on('data', (d: string) => {
      stderr += d;
      if (opts.echoStderr) process.stderr.write(d);
    });
    child.on('error', reject);
    child.on('close', (code, signal) => resolvePromise({ code: code ?? (signal ? 128 : 1), stdout, stderr }));
  });
}

// PIL too: the official pipeline's decoding and preprocessing (bench/pytorch/index_torch.py).
const CHECK = 'import torch, PIL, json; print(json.dumps({"torch": torch.__version__}))';

async function torchImports(): Promise<boolean> {
  if (!existsSync(PYTHON)) return false;
  const r = await run(PYTHON, ['-c', CHECK]).catch(() => null);
  return r !== null && r.code === 0;
}

/** Debian's OpenBLAS (pthread) is installed: without it torch falls back to the reference BLAS (B at batch 8 took 68 s instead of 1.1 s). */
async function openblasInstalled(): Promise<boolean> {
  if (process.env.BENCH_PYTHON) return true; // another interpreter brings its own BLAS
  const r = await run('dpkg', ['-s', 'libopenblas0-pthread']).catch(() => null);
  return r !== null && r.code === 0;
}

let ensured: Promise<string> | null = null;

/**
 * Returns the path of a Python interpreter that imports torch, installing Debian's
 * `python3-torch` and `libopenblas0-pthread` (as root, non-interactively) when it does not.
 */
export function ensurePython(): Promise<string> {
  ensured ??= (async () => {
    if ((await torchImports()) && (await openblasInstalled())) return PYTHON;
    process.stderr.write(`bench: torch missing for ${PYTHON}; installing ${APT_PACKAGES.join(' ')} with apt-get\n`);
    const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
    const sh = `apt-get update -qq && apt-get install -y -qq --no-install-recommends ${APT_PACKAGES.join(' ')}`;
    const r = await run('sh', ['-c', sh], { env, echoStderr: true });
    if (r.code !== 0) {
      throw new Error(`installing ${APT_PACKAGES.join(' ')} failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-5).join(' | ')}`);
    }
    if (!(await torchImports())) {
      const why = await run(PYTHON, ['-c', CHECK]).catch((e: unknown) => ({ code: 1, stdout: '', stderr: String(e) }));
      throw new Error(`${PYTHON} still cannot import torch after installing: ${why.stderr.trim().split('\n').pop() ?? ''}`);
    }
    return PYTHON;
  })();
  ensured.catch(() => {
    ensured = null;
  });
  return ensured;
}

/**
 * The environment the benchmark's Python runs in: OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE that may
 * be set on the machine are removed, so OpenBLAS detects the CPU itself.
 */
export function pythonEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, PYTHONUNBUFFERED: '1', ...extra };
  delete env.OPENBLAS_CORETYPE;
  delete env.OPENBLAS_L2_SIZE;
  return env;
}

/**
 * Runs `bench/pytorch/<script>` with `args`; progress (stderr) is passed through, and the LAST
 * non-empty stdout line is parsed as JSON and returned.
 */
export async function runPython(script: string, args: string[], env?: Record<string, string>): Promise<unknown> {
  const python = await ensurePython();
  const path = join(pytorchDir, script);
  const r = await run(python, [path, ...args], { env: pythonEnv(env), echoStderr: true });
  if (r.code !== 0) {
    throw new Error(`${script} ${args.join(' ')} failed (exit ${r.code}): ${r.stderr.trim().split('\n').slice(-3).join(' | ')}`);
  }
  const last = r.stdout
    .trim()
    .split('\n')
    .findLast((l) => l.trim() !== '');
  if (last === undefined) throw new Error(`${script} printed nothing on stdout`);
  try {
    return JSON.parse(last) as unknown;
  } catch {
    throw new Error(`${script}: last stdout line is not JSON: ${last.slice(0, 200)}`);
  }
}

// Hosted model bundles: a bundle folder placed in public/models/<name>/ (manifest.json and the
// files it lists) is offered by the app without any configuration. This plugin answers
// GET /models/index.json with {"models": [...names]} in `vite` and `vite preview`, and writes
// the same file into the build. The bundle files themselves are plain static files.
import { readdir, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { join, resolve } from 'node:path';
import type { Plugin, ResolvedConfig } from 'vite';

/** URL path of the listing, relative to the app's base. */
export const HOSTED_INDEX = 'models/index.json';

export interface HostedModelIndex {
  models: string[];
}

/**
 * Names of the subfolders of `dir` that hold a `manifest.json`, sorted; an empty list when
 * `dir` does not exist. Hidden folders are left out.
 */
export async function listHostedModels(dir: string): Promise<string[]> {
  let entries;
  try {
    entries = await readdir(dir, { withFileTypes: true });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return [];
    throw e;
  }
  const names: string[] = [];
  for (const entry of entries) {
    if (entry.name.startsWith('.')) continue;
    const folder = join(dir, entry.name);
    // Symbolic links to bundle folders count too (a bundle kept elsewhere on disk).
    const isDir = entry.isDirectory() || (entry.isSymbolicLink() && (await stat(folder).catch(() => null))?.isDirectory() === true);
    if (!isDir) continue;
    const manifest = await stat(join(folder, 'manifest.json')).catch(() => null);
    if (manifest?.isFile()) names.push(entry.name);
  }
  return names.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
}

export async function hostedModelIndexJson(dir: string): Promise<string> {
  const index: HostedModelIndex = { models: await listHostedModels(dir) };
  return JSON.stringify(index);
}

type Next = (err?: unknown) => void;

function middleware(config: () => ResolvedConfig, dir: () => string) {
  return (req: IncomingMessage, res: ServerResponse, next: Next): void => {
    const path = (req.url ?? '').split('?')[0];
    if (path !== `${config().base}${HOSTED_INDEX}` || (req.method !== 'GET' && req.method !== 'HEAD')) return next();
    hostedModelIndexJson(dir()).then(
      (body) => {
        res.statusCode = 200;
        res.setHeader('Content-Type', 'application/json; charset=utf-8');
        res.setHeader('Cache-Control', 'no-cache');
        res.end(req.method === 'HEAD' ? undefined : body);
      },
      (e: unknown) => next(e),
    );
  };
}

/** The Vite plugin: dev and preview middleware plus the build-time `models/index.json`. */
export function hostedModels(): Plugin {
  let config: ResolvedConfig | undefined;
  const resolved = () => {
    if (!config) throw new Error('hosted-models: the Vite config is not resolved yet');
    return config;
  };
  // Dev serves public/; preview serves the build output, where public/models was copied.
  const publicModels = () => join(resolved().publicDir || resolve(resolved().root, 'public'), 'models');
  const builtModels = () => join(resolve(resolved().root, resolved().build.outDir), 'models');

  return {
    name: 'longclip:hosted-models',
    configResolved(c) {
      config = c;
    },
    configureServer(server) {
      server.middlewares.use(middleware(resolved, publicModels));
    },
    configurePreviewServer(server) {
      server.middlewares.use(middleware(resolved, builtModels));
    },
    async generateBundle() {
      if (resolved().command !== 'build') return;
      this.emitFile({ type: 'asset', fileName: HOSTED_INDEX, source: await hostedModelIndexJson(publicModels()) });
    },
  };
}

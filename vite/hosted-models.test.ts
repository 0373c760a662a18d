import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { hostedModelIndexJson, listHostedModels } from './hosted-models';

describe('listHostedModels', () => {
  let root: string;

  beforeAll(async () => {
    root = await mkdtemp(join(tmpdir(), 'hosted-models-'));
    const models = join(root, 'models');
    const bundle = async (name: string, withManifest = true) => {
      await mkdir(join(models, name), { recursive: true });
      if (withManifest) await writeFile(join(models, name, 'manifest.json'), '{}');
      await writeFile(join(models, name, 'text.onnx'), 'x');
    };
    await bundle('longclip-L-fp16');
    await bundle('longclip-B');
    await bundle('half-copied', false); // no manifest yet: not offered
    await bundle('.hidden');
    await mkdir(join(models, 'manifest-is-a-folder', 'manifest.json'), { recursive: true });
    await writeFile(join(models, 'README.txt'), 'loose file');
    await writeFile(join(models, 'index.json'), '{"models":["stale"]}');
    await mkdir(join(root, 'elsewhere', 'linked'), { recursive: true });
    await writeFile(join(root, 'elsewhere', 'linked', 'manifest.json'), '{}');
    await symlink(join(root, 'elsewhere', 'linked'), join(models, 'linked'), 'dir');
  });
  afterAll(() => rm(root, { recursive: true, force: true }));

  it('lists sorted subfolders that hold a manifest.json', async () => {
    expect(await listHostedModels(join(root, 'models'))).toEqual(['linked', 'longclip-B', 'longclip-L-fp16']);
  });

  it('is empty when there is no models folder', async () => {
    expect(await listHostedModels(join(root, 'missing'))).toEqual([]);
    expect(await listHostedModels(join(root, 'models', 'README.txt'))).toEqual([]);
  });

  it('serialises as {"models": [...]}', async () => {
    expect(JSON.parse(await hostedModelIndexJson(join(root, 'models')))).toEqual({ models: ['linked', 'longclip-B', 'longclip-L-fp16'] });
    expect(JSON.parse(await hostedModelIndexJson(join(root, 'nothing')))).toEqual({ models: [] });
  });
});

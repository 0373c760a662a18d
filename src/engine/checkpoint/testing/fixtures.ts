// Test-only: open the read-only checkpoints in ../shared and read them whole for comparisons.
import { join } from 'node:path';
import { NodeFileSource } from '../../io/node-file-source';
import { demoDir, goldensDir } from '../../testing/shared';
import { openCheckpoint } from '../open-checkpoint';
import type { StateDict } from '../tensor';

export const FIXTURES = {
  fp32: join(goldensDir, 'tiny-longclip-fp32.pt'),
  mixed: join(goldensDir, 'tiny-longclip-mixed-fp16.pt'),
  variantsPt: join(goldensDir, 'tiny-longclip-variants.pt'),
  variantsSafetensors: join(goldensDir, 'tiny-longclip-variants.safetensors'),
  demo: join(demoDir, 'demo-longclip.pt'),
} as const;

/** Opens a fixture, runs `body`, and closes the file. */
export async function withCheckpoint<T>(path: string, body: (sd: StateDict, source: NodeFileSource) => Promise<T>): Promise<T> {
  const source = await NodeFileSource.open(path);
  try {
    return await body(await openCheckpoint(source), source);
  } finally {
    await source.close();
  }
}

export async function readAll(sd: StateDict): Promise<Map<string, Float32Array>> {
  const out = new Map<string, Float32Array>();
  for (const [key, t] of sd.tensors) out.set(key, await t.read());
  return out;
}

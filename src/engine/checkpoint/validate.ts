// Every tensor the two encoders read, with its shape for an architecture, and the check of a
// state_dict against that list.
import type { Architecture } from './architecture-types';
import { CheckpointError, type StateDict } from './tensor';

/** Keys a CLIP state_dict may carry that the encoders do not use. */
const KNOWN_UNUSED = new Set(['logit_scale', 'input_resolution', 'context_length', 'vocab_size']);

/** Every tensor the two encoders read, with its expected shape. */
export function expectedTensors(arch: Architecture): Map<string, number[]> {
  const out = new Map<string, number[]>();
  const block = (prefix: string, w: number) => {
    out.set(`${prefix}.attn.in_proj_weight`, [3 * w, w]);
    out.set(`${prefix}.attn.in_proj_bias`, [3 * w]);
    out.set(`${prefix}.attn.out_proj.weight`, [w, w]);
    out.set(`${prefix}.attn.out_proj.bias`, [w]);
    out.set(`${prefix}.ln_1.weight`, [w]);
    out.set(`${prefix}.ln_1.bias`, [w]);
    out.set(`${prefix}.mlp.c_fc.weight`, [4 * w, w]);
    out.set(`${prefix}.mlp.c_fc.bias`, [4 * w]);
    out.set(`${prefix}.mlp.c_proj.weight`, [w, 4 * w]);
    out.set(`${prefix}.mlp.c_proj.bias`, [w]);
    out.set(`${prefix}.ln_2.weight`, [w]);
    out.set(`${prefix}.ln_2.bias`, [w]);
  };
  const v = arch.vision;
  const grid = v.resolution / v.patchSize;
  out.set('visual.conv1.weight', [v.width, 3, v.patchSize, v.patchSize]);
  out.set('visual.class_embedding', [v.width]);
  out.set('visual.positional_embedding', [grid * grid + 1, v.width]);
  out.set('visual.ln_pre.weight', [v.width]);
  out.set('visual.ln_pre.bias', [v.width]);
  for (let i = 0; i < v.layers; i++) block(`visual.transformer.resblocks.${i}`, v.width);
  out.set('visual.ln_post.weight', [v.width]);
  out.set('visual.ln_post.bias', [v.width]);
  out.set('visual.proj', [v.width, arch.embedDim]);

  const t = arch.text;
  out.set('token_embedding.weight', [t.vocabSize, t.width]);
  out.set('positional_embedding', [t.contextLength, t.width]);
  if (arch.longPositions) out.set('positional_embedding_res', [t.contextLength, t.width]);
  for (let i = 0; i < t.layers; i++) block(`transformer.resblocks.${i}`, t.width);
  out.set('ln_final.weight', [t.width]);
  out.set('ln_final.bias', [t.width]);
  out.set('text_projection', [t.width, arch.embedDim]);
  return out;
}

/**
 * Checks that the state_dict holds exactly the tensors the encoders read, with their shapes, plus
 * only the known CLIP extras: the official loader's strict `load_state_dict` refuses unexpected
 * keys too. Throws naming each problem.
 */
export function validateStateDict(sd: StateDict, arch: Architecture, file = sd.fileName ?? 'checkpoint'): void {
  const expected = expectedTensors(arch);
  const problems: string[] = [];
  for (const [key, shape] of expected) {
    const t = sd.tensors.get(key);
    if (!t) problems.push(`missing ${key}`);
    else if (t.shape.length !== shape.length || t.shape.some((d, i) => d !== shape[i])) {
      problems.push(`${key} has shape [${t.shape.join(', ')}], expected [${shape.join(', ')}]`);
    }
  }
  for (const key of sd.tensors.keys()) {
    if (!expected.has(key) && !KNOWN_UNUSED.has(key)) problems.push(`unexpected key ${key}`);
  }
  if (problems.length > 0) {
    const shown = problems.slice(0, 10).join('; ');
    const more = problems.length > 10 ? `; and ${problems.length - 10} more` : '';
    throw new CheckpointError(`${file}: state_dict does not match the architecture it implies: ${shown}${more}`);
  }
}

// Test-only: the tensor shapes of a tiny CLIP ViT state_dict, as safetensors entries.
import { zerosF32, type SafetensorsEntry } from './safetensors-writer';

export function clipShapes(opts: { width?: number; embed?: number; context?: number; long?: boolean } = {}): Record<string, number[]> {
  const w = opts.width ?? 64;
  const e = opts.embed ?? 32;
  const ctx = opts.context ?? 77;
  const shapes: Record<string, number[]> = {
    'visual.conv1.weight': [w, 3, 32, 32],
    'visual.class_embedding': [w],
    'visual.positional_embedding': [50, w],
    'visual.ln_pre.weight': [w],
    'visual.ln_pre.bias': [w],
    'visual.ln_post.weight': [w],
    'visual.ln_post.bias': [w],
    'visual.proj': [w, e],
    'token_embedding.weight': [100, w],
    positional_embedding: [ctx, w],
    'ln_final.weight': [w],
    'ln_final.bias': [w],
    text_projection: [w, e],
    logit_scale: [],
  };
  if (opts.long) shapes['positional_embedding_res'] = [ctx, w];
  for (const prefix of ['visual.transformer.resblocks.0', 'transformer.resblocks.0']) {
    Object.assign(shapes, {
      [`${prefix}.attn.in_proj_weight`]: [3 * w, w],
      [`${prefix}.attn.in_proj_bias`]: [3 * w],
      [`${prefix}.attn.out_proj.weight`]: [w, w],
      [`${prefix}.attn.out_proj.bias`]: [w],
      [`${prefix}.ln_1.weight`]: [w],
      [`${prefix}.ln_1.bias`]: [w],
      [`${prefix}.mlp.c_fc.weight`]: [4 * w, w],
      [`${prefix}.mlp.c_fc.bias`]: [4 * w],
      [`${prefix}.mlp.c_proj.weight`]: [w, 4 * w],
      [`${prefix}.mlp.c_proj.bias`]: [w],
      [`${prefix}.ln_2.weight`]: [w],
      [`${prefix}.ln_2.bias`]: [w],
    });
  }
  return shapes;
}

export function zeroEntries(shapes: Record<string, number[]>): SafetensorsEntry[] {
  return Object.entries(shapes).map(([name, shape]) => ({ name, dtype: 'F32', shape, data: zerosF32(shape) }));
}

import { describe, expect, it } from 'vitest';
import { BufferSource } from '../io/source';
import { architectureFromStateDict } from './architecture';
import { openCheckpoint } from './open-checkpoint';
import type { LazyTensor, StateDict } from './tensor';
import { writeSafetensors } from './testing/safetensors-writer';
import { clipShapes, zeroEntries } from './testing/shapes';
import { validateStateDict } from './validate';

/** A StateDict of shapes only: architecture and validation never read tensor data. */
function shapesOnly(shapes: Record<string, number[]>): StateDict {
  const tensors = new Map<string, LazyTensor>();
  for (const [name, shape] of Object.entries(shapes)) {
    tensors.set(name, { name, shape, dtype: 'float32', read: () => Promise.reject(new Error('not for reading')) });
  }
  return { tensors, format: 'safetensors' };
}

describe('architectureFromStateDict', () => {
  it('reads a plain CLIP state_dict (one position table, 77 rows)', () => {
    const arch = architectureFromStateDict(shapesOnly(clipShapes()));
    expect(arch).toEqual({
      embedDim: 32,
      vision: { width: 64, layers: 1, heads: 1, patchSize: 32, resolution: 224 },
      text: { width: 64, layers: 1, heads: 1, contextLength: 77, vocabSize: 100 },
      keepLength: 77,
      longPositions: false,
    });
  });

  it('refuses a ResNet image tower (from a crafted safetensors file)', async () => {
    const resnet = writeSafetensors(
      zeroEntries({
        'visual.conv1.weight': [32, 3, 3, 3],
        'visual.layer1.0.conv1.weight': [32, 32, 1, 1],
        'visual.attnpool.positional_embedding': [50, 64],
        'ln_final.weight': [64],
      }),
    );
    const sd = await openCheckpoint(new BufferSource(resnet, 'RN50.safetensors'));
    expect(() => architectureFromStateDict(sd)).toThrow('RN50.safetensors: ResNet image towers are not supported; use a ViT Long-CLIP checkpoint');
  });

  it('names the first missing key it needs and widths without a head count', () => {
    const shapes = clipShapes();
    delete shapes['ln_final.weight'];
    expect(() => architectureFromStateDict(shapesOnly(shapes), 'x.pt')).toThrow('x.pt: missing tensor ln_final.weight; not a CLIP ViT state_dict');
    expect(() => architectureFromStateDict(shapesOnly(clipShapes({ width: 96 })), 'x.pt')).toThrow('x.pt: vision width 96 is not a multiple of 64');
  });
});

describe('validateStateDict', () => {
  it('accepts a complete state_dict with the known CLIP extras', () => {
    const shapes = { ...clipShapes({ long: true, context: 248 }), input_resolution: [], context_length: [], vocab_size: [] };
    const sd = shapesOnly(shapes);
    const arch = architectureFromStateDict(sd);
    expect(arch.keepLength).toBe(20);
    expect(() => validateStateDict(sd, arch)).not.toThrow();
  });

  it('names unexpected keys, as the official strict load_state_dict does', () => {
    const shapes = { ...clipShapes({ long: true, context: 248 }), 'mystery.weight': [3], 'visual.transformer.resblocks.0.attn.bias_k': [64] };
    const sd = shapesOnly(shapes);
    expect(() => validateStateDict(sd, architectureFromStateDict(sd), 'extra.pt')).toThrow(
      'extra.pt: state_dict does not match the architecture it implies: ' +
        'unexpected key mystery.weight; unexpected key visual.transformer.resblocks.0.attn.bias_k',
    );
  });

  it('names missing blocks when a stray key implies another layer', () => {
    const sd = shapesOnly({ ...clipShapes(), 'transformer.resblocks.7.ln_1.weight': [64] });
    expect(() => validateStateDict(sd, architectureFromStateDict(sd), 'stray.pt')).toThrow(
      /^stray\.pt: state_dict does not match the architecture it implies: missing transformer\.resblocks\.1\.attn\.in_proj_weight; .*; and \d+ more$/,
    );
  });

  it('names every missing key and wrong shape', () => {
    const shapes = clipShapes({ long: true, context: 248 });
    delete shapes['transformer.resblocks.0.mlp.c_fc.bias'];
    delete shapes['visual.ln_post.bias'];
    shapes['positional_embedding_res'] = [77, 64];
    shapes['visual.transformer.resblocks.0.attn.out_proj.weight'] = [64, 32];
    const sd = shapesOnly(shapes);
    expect(() => validateStateDict(sd, architectureFromStateDict(sd), 'bad.pt')).toThrow(
      'bad.pt: state_dict does not match the architecture it implies: ' +
        'visual.transformer.resblocks.0.attn.out_proj.weight has shape [64, 32], expected [64, 64]; ' +
        'missing visual.ln_post.bias; ' +
        'positional_embedding_res has shape [77, 64], expected [248, 64]; ' +
        'missing transformer.resblocks.0.mlp.c_fc.bias',
    );
  });
});

// A model's hyper-parameters (layers, widths, heads, context length, resolution) read from a
// state_dict's tensor shapes, as the official build_model reads them.
import type { Architecture } from './architecture-types';
import { CheckpointError, type StateDict } from './tensor';

export { validateStateDict } from './validate';

/** Long-CLIP adds `positional_embedding` rows 0..19 to `positional_embedding_res` rows 20.. (model_longclip.py). */
export const LONGCLIP_KEEP_LENGTH = 20;
/** CLIP's attention heads are always width / 64 (build_model). */
export const HEAD_WIDTH = 64;

/** Derives the model's hyper-parameters from tensor shapes, as the official `build_model` does. */
export function architectureFromStateDict(sd: StateDict, file = sd.fileName ?? 'checkpoint'): Architecture {
  const keys = [...sd.tensors.keys()];
  if (keys.some((k) => k.startsWith('visual.layer1.') || k.startsWith('visual.attnpool.'))) {
    throw new CheckpointError(`${file}: ResNet image towers are not supported; use a ViT Long-CLIP checkpoint`);
  }
  const shape = (key: string, rank: number): readonly number[] => {
    const t = sd.tensors.get(key);
    if (!t) throw new CheckpointError(`${file}: missing tensor ${key}; not a CLIP ViT state_dict`);
    if (t.shape.length !== rank) throw new CheckpointError(`${file}: tensor ${key} has shape [${t.shape.join(',')}], expected ${rank} dimensions`);
    return t.shape;
  };
  const heads = (width: number, tower: string): number => {
    if (width < HEAD_WIDTH || width % HEAD_WIDTH !== 0) {
      throw new CheckpointError(`${file}: ${tower} width ${width} is not a multiple of ${HEAD_WIDTH}, so it has no CLIP head count`);
    }
    return width / HEAD_WIDTH;
  };

  const conv = shape('visual.conv1.weight', 4);
  const visionWidth = conv[0]!;
  const patchSize = conv[3]!;
  const visionLayers = keys.filter((k) => k.startsWith('visual.') && k.endsWith('.attn.in_proj_weight')).length;
  const grid = Math.round(Math.sqrt(shape('visual.positional_embedding', 2)[0]! - 1));

  const textWidth = shape('ln_final.weight', 1)[0]!;
  const textLayers = new Set(keys.filter((k) => k.startsWith('transformer.resblocks.')).map((k) => k.split('.')[2])).size;
  const contextLength = shape('positional_embedding', 2)[0]!;
  const longPositions = sd.tensors.has('positional_embedding_res');
  if (longPositions && contextLength <= LONGCLIP_KEEP_LENGTH) {
    throw new CheckpointError(`${file}: positional_embedding has ${contextLength} rows, too few for Long-CLIP (more than ${LONGCLIP_KEEP_LENGTH})`);
  }
  if (visionLayers === 0 || textLayers === 0) throw new CheckpointError(`${file}: state_dict has no transformer blocks`);

  return {
    embedDim: shape('text_projection', 2)[1]!,
    vision: { width: visionWidth, layers: visionLayers, heads: heads(visionWidth, 'vision'), patchSize, resolution: patchSize * grid },
    text: {
      width: textWidth,
      layers: textLayers,
      heads: heads(textWidth, 'text'),
      contextLength,
      vocabSize: shape('token_embedding.weight', 2)[0]!,
    },
    keepLength: longPositions ? LONGCLIP_KEEP_LENGTH : contextLength,
    longPositions,
  };
}

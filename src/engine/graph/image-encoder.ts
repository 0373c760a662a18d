// The ViT image tower as an ONNX graph: pixel values in, an image embedding (not normalised) out.
import type { Architecture } from '../checkpoint/architecture-types';
import type { GraphBuilder } from './onnx-graph';
import type { EncoderWeights } from './encoder-weights';
import { layerNorm, residualBlock } from './transformer';

export const IMAGE_INPUT = 'pixel_values';
export const IMAGE_OUTPUT = 'image_embeds';

/** The ViT image tower: pixel_values float32 [batch, 3, R, R] -> image_embeds [batch, embed], not normalised. */
export async function buildImageEncoder(g: GraphBuilder, w: EncoderWeights, arch: Architecture): Promise<void> {
  const { width, layers, patchSize, resolution } = arch.vision;
  const grid = resolution / patchSize;
  const tokens = grid * grid + 1;
  const pixels = g.input(IMAGE_INPUT, 'float32', ['batch', 3, resolution, resolution]);

  const kernel = await w.tensor('visual.conv1.weight', [width, 3, patchSize, patchSize]);
  const patches = g.op('Conv', [g.toCompute(pixels), kernel], { kernel_shape: [patchSize, patchSize], strides: [patchSize, patchSize] });
  const seq = g.op('Transpose', [g.op('Reshape', [patches, g.constInt64([0, width, grid * grid])])], { perm: [0, 2, 1] });

  const cls = await w.derived('visual.class_embedding', [1, 1, width], () => w.raw('visual.class_embedding'));
  const batch = g.op('Slice', [g.op('Shape', [pixels]), g.constInt64([0]), g.constInt64([1]), g.constInt64([0])]);
  const clsB = g.op('Expand', [cls, g.op('Concat', [batch, g.constInt64([1, width])], { axis: 0 })]);
  const positions = await w.tensor('visual.positional_embedding', [tokens, width]);
  let x = g.op('Add', [g.op('Concat', [clsB, seq], { axis: 1 }), positions]);
  x = await layerNorm(g, w, x, 'visual.ln_pre', width);

  for (let i = 0; i < layers; i++) x = await residualBlock(g, w, x, `visual.transformer.resblocks.${i}`, width);

  const clsOut = g.op('Gather', [x, g.constInt64([0], [])], { axis: 1 });
  const pooled = await layerNorm(g, w, clsOut, 'visual.ln_post', width);
  const proj = await w.tensor('visual.proj', [width, arch.embedDim]);
  g.output(g.toFloat32(g.op('MatMul', [pooled, proj])), IMAGE_OUTPUT, 'float32', ['batch', arch.embedDim]);
}

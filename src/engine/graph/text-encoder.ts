// The text tower as an ONNX graph: token ids in (only as many positions as given), a text
// embedding (not normalised) out.
import type { Architecture } from '../checkpoint/architecture-types';
import type { GraphBuilder } from './onnx-graph';
import type { EncoderWeights } from './encoder-weights';
import { layerNorm, residualBlock } from './transformer';

export const TEXT_INPUT = 'input_ids';
export const TEXT_OUTPUT = 'text_embeds';

/**
 * The text tower: input_ids int32 [batch, n] (n <= context length, start..end then zero
 * padding) -> text_embeds float32 [batch, embed], not normalised.
 *
 * The encoder is causal, so position i only sees positions <= i, and the pooled row (the
 * first end-of-text token, the highest id) never depends on what follows it: the graph takes
 * only n positions and a short query costs less than a long one.
 */
export async function buildTextEncoder(g: GraphBuilder, w: EncoderWeights, arch: Architecture): Promise<void> {
  const { width, layers, contextLength, vocabSize } = arch.text;
  const ids = g.input(TEXT_INPUT, 'int32', ['batch', 'tokens']);
  const shape = g.op('Shape', [ids]);
  const batch = g.op('Gather', [shape, g.constInt64([0], [])], { axis: 0 });
  const n = g.op('Gather', [shape, g.constInt64([1], [])], { axis: 0 });
  const n1 = g.op('Unsqueeze', [n, g.constInt64([0])]);

  const tokenTable = await w.tensor('token_embedding.weight', [vocabSize, width]);
  const emb = g.op('Gather', [tokenTable, ids], { axis: 0 });

  // Long-CLIP: rows 0..keep-1 from positional_embedding, the rest from positional_embedding_res.
  const positions = await w.derived('positional_embedding.combined', [contextLength, width], async () => {
    const table = await w.raw('positional_embedding');
    if (!arch.longPositions) return table;
    const res = await w.raw('positional_embedding_res');
    const split = arch.keepLength * width;
    table.set(res.subarray(split, contextLength * width), split);
    return table;
  });
  const zero = g.constInt64([0]);
  const pos = g.op('Slice', [positions, zero, n1, zero]);
  let x = g.op('Add', [emb, pos]);

  const causal = { mask: g.contribOps ? null : causalMaskN(g, contextLength, n1) };
  for (let i = 0; i < layers; i++) x = await residualBlock(g, w, x, `transformer.resblocks.${i}`, width, causal);
  x = await layerNorm(g, w, x, 'ln_final', width);

  // Pool the row of the first end-of-text token: ArgMax returns the first maximum.
  const eot = g.op('ArgMax', [g.op('Cast', [ids], { to: 1 })], { axis: 1, keepdims: 0 });
  const rowStart = g.op('Mul', [g.op('Range', [g.constInt64([0], []), batch, g.constInt64([1], [])]), n]);
  const flat = g.op('Reshape', [x, g.constInt64([-1, width])]);
  const pooled = g.op('Gather', [flat, g.op('Add', [rowStart, eot])], { axis: 0 });
  const proj = await w.tensor('text_projection', [width, arch.embedDim]);
  g.output(g.toFloat32(g.op('MatMul', [pooled, proj])), TEXT_OUTPUT, 'float32', ['batch', arch.embedDim]);
}

/** The first n rows and columns of the additive causal mask (n: a [1] int64 value). */
function causalMaskN(g: GraphBuilder, contextLength: number, n1: string): string {
  const mask = g.constCompute(causalMask(contextLength), [contextLength, contextLength]);
  const nn = g.op('Concat', [n1, n1], { axis: 0 });
  return g.op('Slice', [mask, g.constInt64([0, 0]), nn, g.constInt64([0, 1])]);
}

/** Additive causal mask: 0 on and below the diagonal, -inf above (as the official build_attention_mask). */
function causalMask(n: number): Float32Array {
  const m = new Float32Array(n * n);
  for (let r = 0; r < n; r++) for (let c = r + 1; c < n; c++) m[r * n + c] = -Infinity;
  return m;
}

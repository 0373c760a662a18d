// The transformer parts both towers share, as ONNX ops: LayerNorm, projections (float or int8) and
// CLIP's residual attention block, from standard ops or onnxruntime's fused ones.
import type { GraphBuilder } from './onnx-graph';
import { transpose, type EncoderWeights, type Projection } from './encoder-weights';

export const HEAD_DIM = 64;
const LN_EPS = 1e-5;
const Q_SCALE = 1 / Math.sqrt(HEAD_DIM);

/** Scales the first `count` values in place (the query block of in_proj). */
function scaleHead(v: Float32Array, count: number, scale: number): Float32Array {
  for (let i = 0; i < count; i++) v[i]! *= scale;
  return v;
}

export async function layerNorm(g: GraphBuilder, w: EncoderWeights, x: string, prefix: string, width: number): Promise<string> {
  const scale = await w.tensor(`${prefix}.weight`, [width]);
  const bias = await w.tensor(`${prefix}.bias`, [width]);
  return g.op('LayerNormalization', [x, scale, bias], { axis: -1, epsilon: { float: LN_EPS } });
}

async function linear(g: GraphBuilder, w: EncoderWeights, x: string, prefix: string, outDim: number, inDim: number): Promise<string> {
  return project(g, x, await w.linear(`${prefix}.weight`, outDim, inDim), await w.tensor(`${prefix}.bias`, [outDim]));
}

/**
 * x @ weight + bias. An int8 weight runs as onnxruntime's DynamicQuantizeMatMul where contrib
 * ops are allowed (int8 x int8 products: about twice the float32 speed on WASM), else as a
 * standard DequantizeLinear before a float MatMul.
 */
function project(g: GraphBuilder, x: string, p: Projection, bias: string): string {
  if (p.kind === 'int8' && g.contribOps) return g.msOp('DynamicQuantizeMatMul', [x, p.values, p.scale, '', bias]);
  const weight = p.kind === 'float' ? p.weight : g.toCompute(g.op('DequantizeLinear', [p.values, p.scale], { axis: 1 }));
  return g.op('Add', [g.op('MatMul', [x, weight]), bias]);
}

/**
 * One CLIP ResidualAttentionBlock on x [B, n, W]: pre-LayerNorm multi-head attention
 * (nn.MultiheadAttention semantics) and a QuickGELU MLP. `causal` (the text tower) masks
 * what follows each position: with the additive [n, n] mask of the standard-op graph, or with
 * the fused Attention's unidirectional mode when the mask is null.
 */
export async function residualBlock(
  g: GraphBuilder,
  w: EncoderWeights,
  x: string,
  prefix: string,
  width: number,
  causal?: { mask: string | null },
): Promise<string> {
  const heads = width / HEAD_DIM;
  const h = await layerNorm(g, w, x, `${prefix}.ln_1`, width);

  // in_proj packs q, k, v. The 1/sqrt(64) = 1/8 query scaling is a power of two, so folding
  // it into the query rows of the weight and bias is exact.
  const key = `${prefix}.attn.in_proj`;
  const wqkv = await w.projection(`${key}_weight.T`, width, 3 * width, async () =>
    transpose(scaleHead(await w.raw(`${key}_weight`), width * width, Q_SCALE), 3 * width, width),
  );
  const bqkv = await w.derived(`${key}_bias`, [3 * width], async () => scaleHead(await w.raw(`${key}_bias`), width, Q_SCALE));
  let merged: string;
  if (g.contribOps && wqkv.kind === 'float') merged = fusedAttention(g, h, wqkv.weight, bqkv, heads, causal !== undefined);
  else {
    const [q, k, v] = g.opN('Split', [project(g, h, wqkv, bqkv), g.constInt64([width, width, width])], 3, { axis: 2 });
    merged = g.contribOps ? fusedHeads(g, q!, k!, v!, heads, causal !== undefined) : attention(g, q!, k!, v!, width, heads, causal?.mask ?? undefined);
  }
  const x1 = g.op('Add', [x, await linear(g, w, merged, `${prefix}.attn.out_proj`, width, width)]);

  const h2 = await layerNorm(g, w, x1, `${prefix}.ln_2`, width);
  const fc = await linear(g, w, h2, `${prefix}.mlp.c_fc`, 4 * width, width);
  const gelu = g.op('Mul', [fc, g.op('Sigmoid', [g.op('Mul', [fc, g.constCompute([1.702], [])])])]);
  return g.op('Add', [x1, await linear(g, w, gelu, `${prefix}.mlp.c_proj`, width, 4 * width)]);
}

/** Multi-head attention from standard ops: [B, n, W] -> [B, n, W], before out_proj. */
function attention(g: GraphBuilder, q: string, k: string, v: string, width: number, heads: number, mask: string | undefined): string {
  const headShape = g.constInt64([0, 0, heads, HEAD_DIM]);
  const qh = g.op('Transpose', [g.op('Reshape', [q, headShape])], { perm: [0, 2, 1, 3] });
  const kt = g.op('Transpose', [g.op('Reshape', [k, headShape])], { perm: [0, 2, 3, 1] });
  const vh = g.op('Transpose', [g.op('Reshape', [v, headShape])], { perm: [0, 2, 1, 3] });
  let scores = g.op('MatMul', [qh, kt]);
  if (mask) scores = g.op('Add', [scores, mask]);
  const attn = g.op('MatMul', [g.op('Softmax', [scores], { axis: -1 }), vh]);
  return g.op('Reshape', [g.op('Transpose', [attn], { perm: [0, 2, 1, 3] }), g.constInt64([0, 0, width])]);
}

/**
 * onnxruntime's fused Attention (in_proj, scores, softmax and weighted sum in one kernel).
 * The query scale is already folded into the weights (scale 1); the text tower's causal mask
 * is the op's unidirectional mode.
 */
function fusedAttention(g: GraphBuilder, h: string, wqkv: string, bqkv: string, heads: number, causal: boolean): string {
  return g.msOp('Attention', [h, wqkv, bqkv], { num_heads: heads, scale: { float: 1 }, unidirectional: causal ? 1 : 0 });
}

/** onnxruntime's fused MultiHeadAttention on projected q, k, v [B, n, W] (the int8 path, whose in_proj is quantised). */
function fusedHeads(g: GraphBuilder, q: string, k: string, v: string, heads: number, causal: boolean): string {
  return g.msOp('MultiHeadAttention', [q, k, v], { num_heads: heads, scale: { float: 1 }, unidirectional: causal ? 1 : 0 });
}

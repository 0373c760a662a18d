/** The architecture of a Long-CLIP (or plain CLIP) ViT model, derived from its weights. */
export interface Architecture {
  embedDim: number;
  vision: { width: number; layers: number; heads: number; patchSize: number; resolution: number };
  text: { width: number; layers: number; heads: number; contextLength: number; vocabSize: number };
  /** Rows taken from `positional_embedding` before `positional_embedding_res` takes over (20 for Long-CLIP); equals contextLength for a single-table CLIP. */
  keepLength: number;
  /** True when the checkpoint has `positional_embedding_res` (Long-CLIP). */
  longPositions: boolean;
}

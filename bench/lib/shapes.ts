/** The real Long-CLIP shapes the benchmark uses (random weights). */
export const SHAPES = {
  B: { embedDim: 512, vision: { width: 768, layers: 12, patch: 16, resolution: 224 }, text: { width: 512, layers: 12 }, context: 248, vocab: 49408 },
  L: { embedDim: 768, vision: { width: 1024, layers: 24, patch: 14, resolution: 224 }, text: { width: 768, layers: 12 }, context: 248, vocab: 49408 },
} as const;

/** Text lengths (tokens, start and end included) each text figure is measured at. */
export const TEXT_LENGTHS = [20, 40, 77, 150, 248] as const;

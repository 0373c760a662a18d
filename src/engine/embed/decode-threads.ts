// How many threads decode photos beside the encoder, in the browser's decode pool and the CLI's.

/**
 * Decode threads for `cores` logical cores: a CPU encoder keeps its own threads and decoding
 * gets the rest (at least one, which then shares the cores); with the encoder on a GPU
 * (`encoderThreads` null) decoding gets every core.
 */
export function decodeThreads(cores: number, encoderThreads: number | null): number {
  const all = Math.max(1, Math.floor(cores) || 1);
  return encoderThreads === null ? all : Math.max(1, all - encoderThreads);
}

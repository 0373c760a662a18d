// How many threads decode photos beside the encoder, in the browser's decode pool and the CLI's,
// and how many photos are kept in flight for them.
import { IMAGE_BATCH } from './image-embedder';

/** Photos in flight at most (each holds its file's bytes). */
const MAX_AHEAD = 16;

/**
 * Decode threads for `cores` logical cores: a CPU encoder keeps its own threads and decoding
 * gets the rest (at least one, which then shares the cores); with the encoder on a GPU
 * (`encoderThreads` null) decoding gets every core.
 */
export function decodeThreads(cores: number, encoderThreads: number | null): number {
  const all = Math.max(1, Math.floor(cores) || 1);
  return encoderThreads === null ? all : Math.max(1, all - encoderThreads);
}

/** Photos to keep in flight so that `threads` decode threads never wait while the encoder runs a batch. */
export const photosAhead = (threads: number): number => Math.min(MAX_AHEAD, 2 * threads + IMAGE_BATCH);

// The CLI's decode pool: worker threads (prepare-thread.ts) as the threads of the engine's
// prepare pool, so a photo's decoding and preprocessing leave the encoder's thread.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { decodeThreads } from '../engine/embed/decode-threads';
import { IMAGE_BATCH, preparePhoto } from '../engine/embed/image-embedder';
import { PreparePool, type PrepareReply, type PrepareRequest } from '../engine/embed/prepare-pool';
import type { ClipEngine } from '../engine/session/clip-engine';
import { sharpPhotoDecoder, type BytesThumbnail } from './sharp-decoder';

export type ThreadPool = PreparePool<BytesThumbnail>;

/** Photos in flight at most (each holds its file's bytes). */
const MAX_AHEAD = 16;

/** Photos to keep in flight so that `pool`'s threads never wait while the encoder runs a batch. */
export const photosAhead = (pool: ThreadPool): number => Math.min(MAX_AHEAD, 2 * pool.size + IMAGE_BATCH);

/**
 * A pool beside `engine`: the native CPU encoder runs on every core (node-engine.ts) and the
 * WASM one on one thread, so decoding gets one thread or the rest; a CUDA encoder leaves every core to decoding.
 */
export function startThreadPool(engine: ClipEngine, log: (line: string) => void): ThreadPool {
  // The threads run TypeScript as the CLI does: under tsx.
  const tsx = import.meta.resolve('tsx');
  const cores = availableParallelism();
  const size = decodeThreads(cores, engine.provider === 'cuda' ? null : engine.provider === 'wasm' ? 1 : cores);
  return new PreparePool<BytesThumbnail>(
    size,
    engine.manifest,
    () => {
      const worker = new Worker(new URL('./prepare-thread.ts', import.meta.url), { execArgv: ['--import', tsx] });
      worker.unref();
      return {
        post: (request: PrepareRequest) => worker.postMessage(request),
        listen(onReply, onFailure) {
          worker.on('message', (reply: PrepareReply<BytesThumbnail>) => onReply(reply));
          worker.on('error', (e: Error) => {
            log(`a decode thread failed (${e.message}); its photos are decoded on the main thread`);
            onFailure();
          });
          worker.on('exit', onFailure);
        },
        terminate: () => void worker.terminate(),
      };
    },
    { prepare: (bytes, type, options) => preparePhoto(sharpPhotoDecoder, engine.manifest, bytes, type, options) },
  );
}

// The CLI's decode pool: worker threads (prepare-thread.ts) as the threads of the engine's
// prepare pool, so a photo's decoding and preprocessing leave the encoder's thread.
import { availableParallelism } from 'node:os';
import { Worker } from 'node:worker_threads';
import { decodeThreads } from '../engine/embed/decode-threads';
import { localPreparer } from '../engine/embed/image-embedder';
import { PreparePool, type PrepareReply, type PrepareRequest } from '../engine/embed/prepare-pool';
import type { ClipEngine } from '../engine/session/clip-engine';
import { sharpPhotoDecoder, type BytesThumbnail } from './sharp-decoder';

export type ThreadPool = PreparePool<BytesThumbnail>;

/**
 * A pool beside `engine`: the native CPU encoder runs on every core (node-engine.ts) and the
 * WASM one on one thread, so decoding gets one thread or the rest; a CUDA encoder leaves every core to decoding.
 */
export function startThreadPool(engine: ClipEngine, log: (line: string) => void): ThreadPool {
  const cores = availableParallelism();
  const size = decodeThreads(cores, engine.provider === 'cuda' ? null : engine.provider === 'wasm' ? 1 : cores);
  return new PreparePool<BytesThumbnail>(
    size,
    engine.manifest,
    () => {
      const worker = new Worker(new URL('./prepare-thread.mjs', import.meta.url));
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
    localPreparer(sharpPhotoDecoder, engine.manifest),
  );
}

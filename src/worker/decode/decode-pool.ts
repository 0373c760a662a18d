// The browser's decode pool: module workers (decode-worker.ts) as the threads of the engine's
// prepare pool, sized from the cores the encoder leaves.
import { decodeThreads } from '../../engine/embed/decode-threads';
import { localPreparer, type ImageModel } from '../../engine/embed/image-embedder';
import { PreparePool, type PrepareReply, type PrepareRequest } from '../../engine/embed/prepare-pool';
import { browserPhotoDecoder, type BlobThumbnail } from '../photo-decoder';

export type DecodePool = PreparePool<BlobThumbnail>;

/** A pool for an encoder with `encoderThreads` WASM threads (null: on a GPU). */
export function startDecodePool(model: ImageModel, encoderThreads: number | null): DecodePool {
  return new PreparePool<BlobThumbnail>(
    decodeThreads(self.navigator.hardwareConcurrency, encoderThreads),
    model,
    () => {
      const worker = new Worker(new URL('./decode-worker.ts', import.meta.url), { type: 'module', name: 'decode' });
      return {
        post: (request: PrepareRequest) => worker.postMessage(request),
        listen(onReply, onFailure) {
          worker.addEventListener('message', (event: MessageEvent<PrepareReply<BlobThumbnail>>) => onReply(event.data));
          worker.addEventListener('error', (event) => {
            event.preventDefault();
            onFailure();
          });
        },
        terminate: () => worker.terminate(),
      };
    },
    localPreparer(browserPhotoDecoder, model),
  );
}

/// <reference lib="webworker" />
// A decode worker of the pool (decode-pool.ts): prepares photos (check, decode, preprocess,
// thumbnail) exactly as the engine worker would, and hands the pixels back.
import { preparePhoto } from '../../engine/embed/image-embedder';
import type { PrepareReply, PrepareRequest } from '../../engine/embed/prepare-pool';
import { browserPhotoDecoder, type BlobThumbnail } from '../photo-decoder';

declare const self: DedicatedWorkerGlobalScope;

self.addEventListener('message', (event: MessageEvent<PrepareRequest>) => {
  const { id, bytes, type, model, options } = event.data;
  preparePhoto(browserPhotoDecoder, model, bytes, type, options).then(
    (photo) => self.postMessage({ id, photo } satisfies PrepareReply<BlobThumbnail>, [photo.pixels.buffer]),
    (e: unknown) => self.postMessage({ id, error: e instanceof Error ? e.message : String(e) } satisfies PrepareReply<BlobThumbnail>),
  );
});

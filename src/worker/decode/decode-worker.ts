/// <reference lib="webworker" />
// A decode worker of the pool: prepares photos (check, decode, preprocess) exactly as the engine
// worker would (engine/embed/image-embedder.ts preparePhoto), and hands the pixels back.
import { preparePhoto } from '../../engine/embed/image-embedder';
import { browserPhotoDecoder } from '../photo-decoder';
import type { PrepareReply, PrepareRequest } from './decode-protocol';

declare const self: DedicatedWorkerGlobalScope;

self.addEventListener('message', (event: MessageEvent<PrepareRequest>) => {
  const { id, bytes, type, model, options } = event.data;
  preparePhoto(browserPhotoDecoder, model, bytes, type, options).then(
    (photo) => self.postMessage({ id, photo } satisfies PrepareReply, [photo.pixels.buffer]),
    (e: unknown) => self.postMessage({ id, error: e instanceof Error ? e.message : String(e) } satisfies PrepareReply),
  );
});

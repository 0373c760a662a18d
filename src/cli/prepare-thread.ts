// A worker thread of the CLI's decode pool (prepare-pool.ts): prepares photos (check, decode,
// preprocess, thumbnail) exactly as the main thread would, and hands the pixels back.
import { parentPort } from 'node:worker_threads';
import { preparePhoto } from '../engine/embed/image-embedder';
import type { PrepareReply, PrepareRequest } from '../engine/embed/prepare-pool';
import { sharpPhotoDecoder, type BytesThumbnail } from './sharp-decoder';

parentPort!.on('message', ({ id, bytes, type, model, options }: PrepareRequest) => {
  preparePhoto(sharpPhotoDecoder, model, bytes, type, options).then(
    (photo) => parentPort!.postMessage({ id, photo } satisfies PrepareReply<BytesThumbnail>, [photo.pixels.buffer as ArrayBuffer]),
    (e: unknown) => parentPort!.postMessage({ id, error: e instanceof Error ? e.message : String(e) } satisfies PrepareReply<BytesThumbnail>),
  );
});

// A worker thread of the CLI's decode pool (prepare-pool.ts): prepares photos (check, decode,
// preprocess, thumbnail) exactly as the main thread would, and hands the pixels back.
import { parentPort } from 'node:worker_threads';
import { answerPrepare, type PrepareRequest } from '../engine/embed/prepare-pool';
import { sharpPhotoDecoder } from './sharp-decoder';

parentPort!.on('message', (request: PrepareRequest) => {
  void answerPrepare(sharpPhotoDecoder, request).then(({ reply, transfer }) => parentPort!.postMessage(reply, transfer));
});

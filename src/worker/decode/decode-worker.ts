/// <reference lib="webworker" />
// A decode worker of the pool (decode-pool.ts): prepares photos (check, decode, preprocess,
// thumbnail) exactly as the engine worker would, and hands the pixels back.
import { answerPrepare, type PrepareRequest } from '../../engine/embed/prepare-pool';
import { browserPhotoDecoder } from '../photo-decoder';

declare const self: DedicatedWorkerGlobalScope;

self.addEventListener('message', (event: MessageEvent<PrepareRequest>) => {
  void answerPrepare(browserPhotoDecoder, event.data).then(({ reply, transfer }) => self.postMessage(reply, transfer));
});

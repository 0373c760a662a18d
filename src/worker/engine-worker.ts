/// <reference lib="webworker" />
// The inference worker's entry: routes the page's requests (protocol.ts) to the engine service
// and posts their progress, results and errors back; `cancel` aborts a running request.
import { startDecodePool } from './decode/decode-pool';
import { EngineService, type ServiceRequestType } from './engine-service';
import { ort } from './ort-setup';
import { browserPhotoDecoder, thumbnailOfPixels } from './photo-decoder';
import type { Envelope, RequestOf, WorkerMessage } from './protocol';
import { openTabChannel } from './tab-channel';
import { openBrowserVideo } from './video-frames';

declare const self: DedicatedWorkerGlobalScope;

const post = (message: WorkerMessage) => self.postMessage(message);

const service = new EngineService({
  ort,
  decoder: browserPhotoDecoder,
  decodePool: startDecodePool,
  video: { open: (file) => openBrowserVideo(file), thumbnail: thumbnailOfPixels },
  emit: post,
  gpu: (self.navigator as Navigator & { gpu?: GPU }).gpu,
  locks: (self.navigator as Navigator & { locks?: LockManager }).locks,
  channel: openTabChannel(),
});

const running = new Map<number, AbortController>();

/** A request of the page. In a production build, onnxruntime's WASM threads run this same bundle and get Emscripten's messages: not ours. */
function isEnvelope(data: unknown): data is Envelope {
  return typeof data === 'object' && data !== null && typeof (data as Envelope).id === 'number' && typeof (data as Envelope).request?.type === 'string';
}

self.addEventListener('message', (event: MessageEvent<unknown>) => {
  if (!isEnvelope(event.data)) return;
  const { id, request } = event.data;
  if (request.type === 'cancel') {
    running.get(request.target)?.abort();
    post({ type: 'result', id, value: null });
    return;
  }
  const controller = new AbortController();
  running.set(id, controller);
  service
    .handle(request as RequestOf<ServiceRequestType>, controller.signal, (progress) => post({ type: 'progress', id, progress }))
    .then(
      (value) => post({ type: 'result', id, value }),
      (e: unknown) => {
        const cancelled = controller.signal.aborted;
        post({ type: 'error', id, message: cancelled ? 'cancelled' : e instanceof Error ? e.message : String(e), cancelled });
      },
    )
    .finally(() => running.delete(id));
});

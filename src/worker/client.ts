// The page's side of the worker protocol: one promise per request, progress callbacks, cancel,
// and the worker's events.
import type { Envelope, RequestOf, RequestType, ResultOf, TaskProgress, WorkerMessage } from './protocol';

export class CancelledError extends Error {
  constructor(message = 'cancelled') {
    super(message);
    this.name = 'CancelledError';
  }
}

export interface PendingCall<T> {
  id: number;
  promise: Promise<T>;
}

type EventMessage = Exclude<WorkerMessage, { id: number }>;

/** The UI side of the worker protocol: one promise per request, progress callbacks, events. */
export class EngineClient {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: never) => void; reject: (e: Error) => void; onProgress?: (p: TaskProgress) => void }>();
  private readonly listeners = new Set<(m: EventMessage) => void>();

  constructor(private readonly worker: Worker) {
    worker.addEventListener('message', (e: MessageEvent<WorkerMessage>) => this.receive(e.data));
    worker.addEventListener('error', (e) => {
      const error = new Error(`the inference worker failed: ${e.message || 'unknown error'}`);
      for (const p of this.pending.values()) p.reject(error);
      this.pending.clear();
    });
  }

  start<T extends RequestType>(request: RequestOf<T>, onProgress?: (p: TaskProgress) => void): PendingCall<ResultOf[T]> {
    const id = this.nextId++;
    const promise = new Promise<ResultOf[T]>((resolve, reject) => {
      this.pending.set(id, { resolve: resolve, reject, ...(onProgress ? { onProgress } : {}) });
    });
    const envelope: Envelope = { id, request };
    this.worker.postMessage(envelope);
    return { id, promise };
  }

  call<T extends RequestType>(request: RequestOf<T>, onProgress?: (p: TaskProgress) => void): Promise<ResultOf[T]> {
    return this.start(request, onProgress).promise;
  }

  cancel(id: number): void {
    void this.call({ type: 'cancel', target: id });
  }

  on(listener: (m: EventMessage) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private receive(message: WorkerMessage): void {
    if (!('id' in message)) {
      for (const l of this.listeners) l(message);
      return;
    }
    const call = this.pending.get(message.id);
    if (!call) return;
    if (message.type === 'progress') {
      call.onProgress?.(message.progress);
      return;
    }
    this.pending.delete(message.id);
    if (message.type === 'result') call.resolve(message.value as never);
    else call.reject(message.cancelled ? new CancelledError(message.message) : new Error(message.message));
  }
}

export function createEngineClient(): EngineClient {
  return new EngineClient(new Worker(new URL('./engine-worker.ts', import.meta.url), { type: 'module', name: 'longclip-engine' }));
}

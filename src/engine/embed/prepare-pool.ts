// A pool of threads that prepare photos (check, decode, preprocess, thumbnail) while the encoder
// runs: Web Workers in the browser (worker/decode), worker threads in the CLI. A thread is a
// PreparePort; the pool spreads photos over the least busy ones and answers each in any order.
import { preparePhoto, type ImageModel, type PhotoDecoder, type PhotoPreparer, type PreparedPhoto, type PrepareOptions } from './image-embedder';

export interface PrepareRequest {
  id: number;
  bytes: Uint8Array;
  type: string;
  model: ImageModel;
  options: PrepareOptions;
}

export type PrepareReply<T> = { id: number; photo: PreparedPhoto<T> } | { id: number; error: string };

/** A thread's answer to a request, and what to transfer with it (the pixels' buffer). */
export async function answerPrepare<T>(
  decoder: PhotoDecoder<T>,
  { id, bytes, type, model, options }: PrepareRequest,
): Promise<{ reply: PrepareReply<T>; transfer: ArrayBuffer[] }> {
  try {
    const photo = await preparePhoto(decoder, model, bytes, type, options);
    return { reply: { id, photo }, transfer: [photo.pixels.buffer as ArrayBuffer] };
  } catch (e) {
    return { reply: { id, error: e instanceof Error ? e.message : String(e) }, transfer: [] };
  }
}

/** One thread of the pool, as the platform starts it. */
export interface PreparePort<T> {
  post(request: PrepareRequest): void;
  /** Called with every reply, and once if the thread fails (did not load, crashed). */
  listen(onReply: (reply: PrepareReply<T>) => void, onFailure: () => void): void;
  terminate(): void;
}

interface Job<T> {
  request: PrepareRequest;
  resolve(photo: PreparedPhoto<T>): void;
  reject(e: Error): void;
}

interface Member<T> {
  port: PreparePort<T>;
  jobs: Map<number, Job<T>>;
  dead: boolean;
}

export class PreparePool<T> implements PhotoPreparer<T> {
  private readonly members: Member<T>[];
  private next = 1;

  /**
   * `size` threads from `spawn`. A thread that fails is dropped and its photos are prepared by
   * `fallback` (in the calling thread) instead: a broken pool slows indexing, never skips a photo.
   */
  constructor(
    readonly size: number,
    private readonly model: ImageModel,
    spawn: () => PreparePort<T>,
    private readonly fallback: PhotoPreparer<T>,
  ) {
    this.members = Array.from({ length: size }, () => {
      const member: Member<T> = { port: spawn(), jobs: new Map(), dead: false };
      member.port.listen(
        (reply) => this.settle(member, reply),
        () => this.drop(member),
      );
      return member;
    });
  }

  /** Photos waiting in the threads. */
  get busy(): number {
    return this.members.reduce((n, m) => n + m.jobs.size, 0);
  }

  prepare(bytes: Uint8Array, type: string, options: PrepareOptions): Promise<PreparedPhoto<T>> {
    const member = this.members.filter((m) => !m.dead).sort((a, b) => a.jobs.size - b.jobs.size)[0];
    if (!member) return this.fallback.prepare(bytes, type, options);
    const request: PrepareRequest = { id: this.next++, bytes, type, model: this.model, options };
    return new Promise((resolve, reject) => {
      member.jobs.set(request.id, { request, resolve, reject });
      // The bytes are copied, not transferred: a dropped thread's photos are prepared again here.
      member.port.post(request);
    });
  }

  /** Stops the threads; photos they still held are rejected. */
  close(): void {
    for (const m of this.members) {
      m.dead = true;
      m.port.terminate();
      for (const job of m.jobs.values()) job.reject(new Error('indexing stopped'));
      m.jobs.clear();
    }
  }

  private settle(member: Member<T>, reply: PrepareReply<T>): void {
    const job = member.jobs.get(reply.id);
    if (!job) return;
    member.jobs.delete(reply.id);
    if ('photo' in reply) job.resolve(reply.photo);
    else job.reject(new Error(reply.error));
  }

  private drop(member: Member<T>): void {
    if (member.dead) return;
    member.dead = true;
    member.port.terminate();
    const jobs = [...member.jobs.values()];
    member.jobs.clear();
    for (const { request, resolve, reject } of jobs) this.fallback.prepare(request.bytes, request.type, request.options).then(resolve, reject);
  }
}

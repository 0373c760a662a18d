// A pool of decode workers that prepare photos (check, decode, preprocess) while the encoder
// runs: the indexer keeps several photos in flight and adds them to its batches in order.
import type { ImageModel, PhotoPreparer, PreparedPhoto, PrepareOptions } from '../../engine/embed/image-embedder';
import type { BlobThumbnail } from '../photo-decoder';
import type { PrepareReply, PrepareRequest } from './decode-protocol';

/**
 * Decode workers for `cores` logical cores: on WASM the encoder keeps its own threads and
 * decoding gets the rest (at least one worker, which then shares the cores); with the encoder
 * on a GPU (`encoderThreads` null) decoding gets every core.
 */
export function decodePoolSize(cores: number, encoderThreads: number | null): number {
  const all = Math.max(1, Math.floor(cores) || 1);
  return encoderThreads === null ? all : Math.max(1, all - encoderThreads);
}

interface Job {
  request: PrepareRequest;
  resolve(photo: PreparedPhoto<BlobThumbnail>): void;
  reject(e: Error): void;
}

interface Member {
  worker: Worker;
  jobs: Map<number, Job>;
  dead: boolean;
}

export class DecodePool implements PhotoPreparer<BlobThumbnail> {
  private readonly members: Member[];
  private next = 1;

  /**
   * `spawn` starts a decode worker (decode-worker.ts). A worker that fails (it did not load, or
   * crashed) is dropped and its photos are prepared by `fallback` in this thread instead, so a
   * broken pool slows indexing down but never skips a photo.
   */
  constructor(
    readonly size: number,
    private readonly model: ImageModel,
    spawn: () => Worker,
    private readonly fallback: PhotoPreparer<BlobThumbnail>,
  ) {
    this.members = Array.from({ length: size }, () => {
      const member: Member = { worker: spawn(), jobs: new Map(), dead: false };
      member.worker.addEventListener('message', (event: MessageEvent<PrepareReply>) => this.settle(member, event.data));
      member.worker.addEventListener('error', (event) => {
        event.preventDefault();
        this.drop(member);
      });
      return member;
    });
  }

  /** Photos waiting in the workers. */
  get busy(): number {
    return this.members.reduce((n, m) => n + m.jobs.size, 0);
  }

  prepare(bytes: Uint8Array, type: string, options: PrepareOptions): Promise<PreparedPhoto<BlobThumbnail>> {
    const member = this.members.filter((m) => !m.dead).sort((a, b) => a.jobs.size - b.jobs.size)[0];
    if (!member) return this.fallback.prepare(bytes, type, options);
    const request: PrepareRequest = { id: this.next++, bytes, type, model: this.model, options };
    return new Promise((resolve, reject) => {
      member.jobs.set(request.id, { request, resolve, reject });
      // The bytes are copied, not transferred: a dropped worker's photos are prepared again here.
      member.worker.postMessage(request);
    });
  }

  close(): void {
    for (const m of this.members) {
      m.dead = true;
      m.worker.terminate();
      for (const job of m.jobs.values()) job.reject(new Error('indexing stopped'));
      m.jobs.clear();
    }
  }

  private settle(member: Member, reply: PrepareReply): void {
    const job = member.jobs.get(reply.id);
    if (!job) return;
    member.jobs.delete(reply.id);
    if ('photo' in reply) job.resolve(reply.photo);
    else job.reject(new Error(reply.error));
  }

  private drop(member: Member): void {
    if (member.dead) return;
    member.dead = true;
    member.worker.terminate();
    const jobs = [...member.jobs.values()];
    member.jobs.clear();
    for (const { request, resolve, reject } of jobs) this.fallback.prepare(request.bytes, request.type, request.options).then(resolve, reject);
  }
}

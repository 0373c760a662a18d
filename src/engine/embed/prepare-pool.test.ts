// The prepare pool's sizing and dispatch, with fake threads: replies in any order reach their
// photo, a failed thread's photos are prepared by the fallback, and none is lost.
import { describe, expect, it } from 'vitest';
import { decodeThreads } from './decode-threads';
import type { PhotoPreparer, PreparedPhoto } from './image-embedder';
import { PreparePool, type PrepareReply, type PreparePort, type PrepareRequest } from './prepare-pool';

type BlobThumbnail = null;

const model = { resolution: 1, mean: [0, 0, 0], std: [1, 1, 1] };
const options = { thumbnail: false, checkBytes: false, reduce: true };
const photo = (v: number): PreparedPhoto<BlobThumbnail> => ({ width: v, height: v, pixels: new Float32Array(3).fill(v), thumbnail: null });

/** A thread that keeps what it is sent until the test answers it. */
class FakeWorker implements PreparePort<BlobThumbnail> {
  readonly received: PrepareRequest[] = [];
  terminated = false;
  private onReply: (reply: PrepareReply<BlobThumbnail>) => void = () => undefined;
  private onFailure: () => void = () => undefined;
  post(request: PrepareRequest): void {
    this.received.push(request);
  }
  listen(onReply: (reply: PrepareReply<BlobThumbnail>) => void, onFailure: () => void): void {
    this.onReply = onReply;
    this.onFailure = onFailure;
  }
  terminate(): void {
    this.terminated = true;
  }
  reply(reply: PrepareReply<BlobThumbnail>): void {
    this.onReply(reply);
  }
  fail(): void {
    this.onFailure();
  }
}

function pool(size: number) {
  const workers: FakeWorker[] = [];
  const fallbackCalls: number[] = [];
  const fallback: PhotoPreparer<BlobThumbnail> = {
    prepare: async (bytes) => {
      fallbackCalls.push(bytes[0]!);
      return photo(100 + bytes[0]!);
    },
  };
  const p = new PreparePool<BlobThumbnail>(
    size,
    model,
    () => {
      const w = new FakeWorker();
      workers.push(w);
      return w;
    },
    fallback,
  );
  return { pool: p, workers, fallbackCalls };
}

describe('decodeThreads', () => {
  it('leaves the WASM encoder its threads and gives a GPU encoder every core to decode', () => {
    expect(decodeThreads(8, 4)).toBe(4);
    expect(decodeThreads(2, 2)).toBe(1);
    expect(decodeThreads(16, null)).toBe(16);
    expect(decodeThreads(0, null)).toBe(1);
  });
});

describe('PreparePool', () => {
  it('spreads photos over the least busy workers and answers each with its own reply', async () => {
    const { pool: p, workers } = pool(2);
    const results = [1, 2, 3, 4].map((v) => p.prepare(new Uint8Array([v]), 'image/jpeg', options));
    expect(workers.map((w) => w.received.map((r) => r.bytes[0]))).toEqual([
      [1, 3],
      [2, 4],
    ]);
    expect(p.busy).toBe(4);
    for (const w of workers.toReversed()) for (const r of w.received.toReversed()) w.reply({ id: r.id, photo: photo(r.bytes[0]!) });
    expect((await Promise.all(results)).map((r) => r.width)).toEqual([1, 2, 3, 4]);
    expect(p.busy).toBe(0);
  });

  it('rejects a photo the worker could not prepare with its reason', async () => {
    const { pool: p, workers } = pool(1);
    const result = p.prepare(new Uint8Array([9]), 'image/jpeg', options);
    workers[0]!.reply({ id: workers[0]!.received[0]!.id, error: 'damaged (truncated)' });
    await expect(result).rejects.toThrow('damaged (truncated)');
  });

  it('prepares a failed worker’s photos, and every later one, with the fallback', async () => {
    const { pool: p, workers, fallbackCalls } = pool(1);
    const first = p.prepare(new Uint8Array([1]), 'image/jpeg', options);
    workers[0]!.fail();
    expect(workers[0]!.terminated).toBe(true);
    const second = p.prepare(new Uint8Array([2]), 'image/jpeg', options);
    expect((await first).width).toBe(101);
    expect((await second).width).toBe(102);
    expect(fallbackCalls).toEqual([1, 2]);
  });

  it('stops its workers on close, rejecting what they still held', async () => {
    const { pool: p, workers } = pool(2);
    const result = p.prepare(new Uint8Array([1]), 'image/jpeg', options);
    p.close();
    await expect(result).rejects.toThrow('indexing stopped');
    expect(workers.every((w) => w.terminated)).toBe(true);
  });
});

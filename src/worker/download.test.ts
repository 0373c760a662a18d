// The download's resume/restart logic against a fake server (fetch) and the in-memory part
// store: drops mid-file, Range honoured or ignored, a file that changed between visits, a
// kept download continued by a later "visit", and files that fail the size or SHA-256 checks.
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { download, UnreachableError, type DownloadCheck, type DownloadOptions, type DownloadProgress } from './download';
import { memoryParts } from './download-parts';

const URL_ = 'https://models.example/files/model.pt';
const PART = 1000;

function bytes(n: number, seed = 1): Uint8Array {
  const out = new Uint8Array(n);
  let x = seed;
  for (let i = 0; i < n; i++) out[i] = (x = (x * 1103515245 + 12345) >>> 0) >>> 24;
  return out;
}
const sha = (b: Uint8Array) => createHash('sha256').update(b).digest('hex');

interface ServerOptions {
  /** Per request, in order: body bytes sent before the connection drops (undefined: none). */
  drops?: (number | undefined)[];
  /** Whether Range is honoured (206); false: always the whole file (200). */
  ranges?: boolean;
  acceptRanges?: string;
  /** The ETag: the file's SHA-256 by default (as Hugging Face's LFS ETag). */
  etag?: (file: Uint8Array) => string;
  /** A start other than the requested one in Content-Range (a broken server). */
  shiftRange?: number;
}

function server(file: () => Uint8Array, o: ServerOptions = {}) {
  const log: { range: string | null; status: number; sent: number }[] = [];
  const fetchImpl = (async (_url: string, init?: RequestInit) => {
    const payload = file();
    const range = new Headers(init?.headers).get('range');
    const entry = { range, status: 200, sent: 0 };
    log.push(entry);
    const drop = o.drops?.[log.length - 1];
    const headers = new Headers({ 'Content-Type': 'application/octet-stream', ETag: (o.etag ?? ((f) => `"${sha(f)}"`))(payload) });
    if (o.acceptRanges) headers.set('Accept-Ranges', o.acceptRanges);
    let start = 0;
    if (range && o.ranges !== false) {
      start = Number(/^bytes=(\d+)-$/.exec(range)![1]);
      if (start >= payload.length) return new Response(null, { status: (entry.status = 416) });
      entry.status = 206;
      headers.set('Content-Range', `bytes ${start + (o.shiftRange ?? 0)}-${payload.length - 1}/${payload.length}`);
    }
    const body = payload.subarray(start);
    headers.set('Content-Length', String(body.length));
    let at = 0;
    const limit = drop ?? body.length;
    const stream = new ReadableStream<Uint8Array>({
      pull(c) {
        if (at < limit) {
          const next = body.slice(at, Math.min(limit, at + 250));
          at += next.length;
          entry.sent = at;
          c.enqueue(next);
        } else if (drop !== undefined) c.error(new TypeError('network error'));
        else c.close();
      },
    });
    return new Response(stream, { status: entry.status, headers });
  }) as typeof fetch;
  return { fetch: fetchImpl, log };
}

function run(fetchImpl: typeof fetch, check: Partial<DownloadCheck>, options: DownloadOptions = {}, signal = new AbortController().signal) {
  const notes: string[] = [];
  const promise = download(
    URL_,
    { expectedSize: null, tolerance: 0, sha256: null, ...check },
    (p: DownloadProgress) => void (p.note && notes.at(-1) !== p.note && notes.push(p.note)),
    signal,
    { fetch: fetchImpl, partSize: PART, retryDelayMs: () => 0, ...options },
  );
  return { promise, notes };
}

async function content(blob: Blob) {
  return new Uint8Array(await blob.arrayBuffer());
}

describe('download', () => {
  const file = bytes(10_500);

  it('downloads in one request and checks the announced SHA-256; discard forgets the parts', async () => {
    const store = memoryParts();
    const s = server(() => file);
    const got = await run(s.fetch, { expectedSize: file.length }, { store }).promise;
    expect(await content(got.blob)).toEqual(file);
    expect(s.log).toHaveLength(1);
    expect(await store.list()).toHaveLength(1);
    await got.discard();
    expect(await store.list()).toHaveLength(0);
    expect(store.parts.size).toBe(0);
  });

  it('resumes a dropped connection with Range from the byte it reached', async () => {
    const s = server(() => file, { drops: [4321, 2000], acceptRanges: 'bytes' });
    const { promise, notes } = run(s.fetch, { expectedSize: file.length });
    const got = await promise;
    expect(await content(got.blob)).toEqual(file);
    expect(s.log.map((l) => [l.range, l.status])).toEqual([
      [null, 200],
      ['bytes=4321-', 206],
      ['bytes=6321-', 206],
    ]);
    // Every byte crossed the wire once.
    expect(s.log.reduce((a, l) => a + l.sent, 0)).toBe(file.length);
    expect(notes.some((n) => /connection lost at 4\.2 KB/.test(n))).toBe(true);
    expect(notes).toContain('resuming at 4.2 KB');
    await got.discard();
  });

  it('starts again, cleanly, when the server ignores Range', async () => {
    const store = memoryParts();
    const s = server(() => file, { drops: [4321], ranges: false });
    const { promise, notes } = run(s.fetch, { expectedSize: file.length }, { store });
    const got = await promise;
    expect(await content(got.blob)).toEqual(file);
    expect(s.log.map((l) => [l.range, l.status])).toEqual([
      [null, 200],
      ['bytes=4321-', 200],
    ]);
    expect(notes).toContain('the server cannot resume downloads; starting again');
    expect((await store.read(URL_))?.parts).toEqual([1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000, 1000]);
    await got.discard();
  });

  it('does not ask for a range when the server says Accept-Ranges: none', async () => {
    const s = server(() => file, { drops: [4321], acceptRanges: 'none' });
    const got = await run(s.fetch, {}).promise;
    expect(await content(got.blob)).toEqual(file);
    expect(s.log.map((l) => l.range)).toEqual([null, null]);
    await got.discard();
  });

  it('gives up after the retries with a clear message, keeps the parts, and a later visit continues from them', async () => {
    const store = memoryParts();
    const first = server(() => file, { drops: [3500, 0, 0] });
    const failed = run(first.fetch, { expectedSize: file.length }, { store, retries: 2 });
    await expect(failed.promise).rejects.toThrow(
      /model\.pt: the download failed at 3\.4 KB of 10 KB \(.*\) after 2 retries\. The 2\.9 KB downloaded so far are kept: download again to continue\./,
    );
    expect(first.log).toHaveLength(3);
    expect((await store.read(URL_))?.parts).toEqual([1000, 1000, 1000]);

    // The next visit (a new download, same store): one ranged request from the kept parts.
    const second = server(() => file);
    const { promise, notes } = run(second.fetch, { expectedSize: file.length }, { store });
    const got = await promise;
    expect(await content(got.blob)).toEqual(file);
    expect(second.log.map((l) => [l.range, l.status])).toEqual([['bytes=3000-', 206]]);
    expect(notes[0]).toBe('continuing from 2.9 KB kept from an earlier visit');
    await got.discard();
  });

  it('fails fast when the server cannot be reached at all: one quick retry, not five with back-off', async () => {
    let calls = 0;
    const offline = (async () => {
      calls++;
      throw new TypeError('Failed to fetch');
    }) as typeof fetch;
    const delays: number[] = [];
    const failed = run(offline, {}, { retries: 5, retryDelayMs: (n) => (delays.push(n), 0) });
    await expect(failed.promise).rejects.toThrow(UnreachableError);
    await expect(failed.promise).rejects.toThrow(/^model\.pt: the network is unreachable or .* refused \(Failed to fetch\)$/);
    expect(calls).toBe(2);
    expect(delays).toEqual([1]);

    // A server that answered once and then dropped is retried as before.
    const flaky = server(() => file, { drops: [3500, 0, 0] });
    await expect(run(flaky.fetch, { expectedSize: file.length }, { retries: 2, store: memoryParts() }).promise).rejects.toThrow(/after 2 retries/);
  });

  it('a kept download whose hash state is unusable is hashed again from its parts', async () => {
    const store = memoryParts();
    await expect(run(server(() => file, { drops: [2500] }).fetch, {}, { store, retries: 0 }).promise).rejects.toThrow(/kept/);
    const meta = (await store.read(URL_))!;
    await store.putMeta({ ...meta, hashState: 'AAAA' });
    const s = server(() => file);
    const got = await run(s.fetch, {}, { store }).promise;
    expect(await content(got.blob)).toEqual(file);
    expect(s.log[0]!.range).toBe('bytes=2000-');
    await got.discard();
  });

  it('starts again when the file changed on the server between visits (other ETag)', async () => {
    const store = memoryParts();
    await expect(run(server(() => file, { drops: [5000] }).fetch, {}, { store, retries: 0 }).promise).rejects.toThrow(/kept/);
    const changed = bytes(9_000, 7);
    const s = server(() => changed);
    const { promise, notes } = run(s.fetch, {}, { store });
    const got = await promise;
    expect(await content(got.blob)).toEqual(changed);
    expect(s.log.map((l) => [l.range, l.status])).toEqual([
      ['bytes=5000-', 206],
      [null, 200],
    ]);
    expect(notes).toContain('the file on the server has changed; starting again');
    await got.discard();
  });

  it('starts again when a 206 does not start where it was asked to', async () => {
    const s = server(() => file, { drops: [4321], shiftRange: 10 });
    const got = await run(s.fetch, {}).promise;
    expect(await content(got.blob)).toEqual(file);
    expect(s.log.map((l) => [l.range, l.status])).toEqual([
      [null, 200],
      ['bytes=4321-', 206],
      [null, 200],
    ]);
    await got.discard();
  });

  it('rejects a file whose announced size is not the published one, and keeps nothing', async () => {
    const store = memoryParts();
    const s = server(() => file);
    await expect(run(s.fetch, { expectedSize: file.length + 4096 }, { store }).promise).rejects.toThrow(/published size/);
    expect(await store.list()).toHaveLength(0);
  });

  it('rejects a resumed file whose SHA-256 is not the announced one, and keeps nothing', async () => {
    const store = memoryParts();
    const s = server(() => file, { drops: [6000], etag: () => `"${'0'.repeat(64)}"` });
    await expect(run(s.fetch, { expectedSize: file.length }, { store }).promise).rejects.toThrow(/SHA-256 is [0-9a-f]{64}, the expected one is 0{64}/);
    expect(s.log.map((l) => l.status)).toEqual([200, 206]);
    expect(await store.list()).toHaveLength(0);
    expect(store.parts.size).toBe(0);
  });

  it('rejects a file whose SHA-256 is not the catalog one', async () => {
    await expect(run(server(() => file).fetch, { sha256: 'f'.repeat(64) }).promise).rejects.toThrow(/SHA-256/);
  });

  it('a cancel stops at once and keeps nothing', async () => {
    const store = memoryParts();
    const controller = new AbortController();
    const s = server(() => file, { drops: [4500] });
    const { promise } = run(s.fetch, {}, { store, retryDelayMs: () => 60_000 }, controller.signal);
    await new Promise((r) => setTimeout(r, 50));
    controller.abort();
    await expect(promise).rejects.toThrow();
    expect(await store.list()).toHaveLength(0);
  });

  it('a client error is not retried', async () => {
    const fetch404 = (async () => new Response('no', { status: 404 })) as typeof fetch;
    let calls = 0;
    await expect(run((...a: Parameters<typeof fetch>) => (calls++, fetch404(...a)), {}).promise).rejects.toThrow(/HTTP 404/);
    expect(calls).toBe(1);
  });
});

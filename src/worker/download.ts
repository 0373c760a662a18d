// Resumable, checked downloads: a file fetched in kept parts across dropped connections and
// visits, its size and SHA-256 verified before it is returned.
import type { IHasher } from 'hash-wasm';
import { formatBytes } from '../engine/format';
import { resumableSha256 } from '../engine/io/sha256';
import { cacheParts, memoryParts, type PartialMeta, type PartStore } from './download-parts';

export interface DownloadCheck {
  /** The published size; the download must come within `tolerance` bytes of it. */
  expectedSize: number | null;
  tolerance: number;
  /** Hex SHA-256 to verify, where known. */
  sha256: string | null;
}

export interface DownloadProgress {
  done: number;
  total: number;
  bytesPerSecond: number;
  etaSeconds: number | null;
  /** What is happening besides receiving bytes: a lost connection, a resumption, a restart. */
  note?: string;
}

export interface DownloadOptions {
  /** Where completed parts are kept (default: the Cache API, else memory). */
  store?: PartStore;
  /** Attempts in a row that may fail without any new bytes before the download gives up (default 5). */
  retries?: number;
  /** The wait before the n-th retry in a row (default 1, 2, 4, 8, 16 s). */
  retryDelayMs?: (attempt: number) => number;
  /** Bytes per kept part (default 16 MiB). */
  partSize?: number;
  fetch?: typeof fetch;
}

/** A downloaded, checked file. Its bytes stay in the part store until `discard()`. */
export interface Downloaded {
  blob: Blob;
  /** Deletes the kept parts: call once the file is converted, or given up on. */
  discard(): Promise<void>;
}

const PART = 16 * 1024 * 1024;
/** Unfinished downloads untouched for this long are deleted when another one starts. */
const STALE_MS = 14 * 24 * 3600 * 1000;

/**
 * Downloads a file as a Blob (assembled from parts, never one ArrayBuffer), checking its size
 * against the published one and the server's announcement, and its SHA-256 against the
 * expected one or the one the server sends (an LFS ETag or a Repr-Digest header).
 *
 * A dropped connection is retried by itself: with `Range: bytes=<received>-` where the server
 * honours ranges (206 with the same file: size, ETag/Last-Modified, announced SHA-256), from
 * the start otherwise. Every completed part (16 MiB) is kept in the part store with the
 * SHA-256 state after it, so a closed tab resumes on the next visit from the last part. Nothing
 * is returned until every byte is there and checked; a file that fails a check is deleted.
 */
export async function download(
  url: string,
  check: DownloadCheck,
  onProgress: (p: DownloadProgress) => void,
  signal: AbortSignal,
  options: DownloadOptions = {},
): Promise<Downloaded> {
  const name = url.split('/').pop() ?? url;
  return withLock(`longclip-download:${url}`, name, () => new Download(url, name, check, onProgress, signal, options).run());
}

/** Unfinished downloads kept from earlier attempts or visits. */
export async function partialDownloads(store: PartStore = defaultStore()): Promise<PartialMeta[]> {
  try {
    return await store.list();
  } catch {
    return [];
  }
}

class RetryableError extends Error {}

/** No answer at all: the network or the host cannot be reached (offline, a captive portal, a firewall). */
export class UnreachableError extends RetryableError {}

class Download {
  private readonly store: PartStore;
  private readonly fetch: typeof fetch;
  private readonly partSize: number;
  private hash!: IHasher;
  /** Sizes of the parts kept so far; a part the store could not take is held in `held`. */
  private parts: number[] = [];
  private readonly held = new Map<number, Blob>();
  /** False once the store failed (quota): the rest is held in memory for this visit. */
  private persist = true;
  private pending: Uint8Array[] = [];
  private pendingBytes = 0;
  /** Bytes received and hashed: kept parts + pending. */
  private done = 0;
  private total: number | null = null;
  private etag: string | null = null;
  private lastModified: string | null = null;
  private expectedSha: string | null;
  /** Whether the server honours Range: unknown until it answers one. */
  private rangeOk: boolean | null = null;
  /** Some request of this download got an answer from the server. */
  private reached = false;
  private readonly started = performance.now();
  private received = 0;
  private lastReport = 0;
  private note: string | undefined;

  constructor(
    private readonly url: string,
    private readonly name: string,
    private readonly check: DownloadCheck,
    private readonly onProgress: (p: DownloadProgress) => void,
    private readonly signal: AbortSignal,
    private readonly options: DownloadOptions,
  ) {
    this.store = options.store ?? defaultStore();
    this.fetch = options.fetch ?? ((...args) => fetch(...args));
    this.partSize = options.partSize ?? PART;
    this.expectedSha = check.sha256?.toLowerCase() ?? null;
  }

  async run(): Promise<Downloaded> {
    this.hash = await resumableSha256();
    await this.sweep();
    await this.resumeKept();
    try {
      await this.receiveAll();
      const blob = await this.assemble();
      this.verify(blob.size);
      return { blob, discard: () => this.discard() };
    } catch (e) {
      // A cancel, a refused file, or a server error that retrying cannot fix: nothing is kept.
      // A connection that kept failing keeps what it got, so that trying again continues.
      if (!(e instanceof RetryableError)) await this.discard();
      throw e;
    }
  }

  /** Continues from what an earlier visit kept, if it is whole and for the file the catalog names. */
  private async resumeKept(): Promise<void> {
    const meta = await this.store.read(this.url).catch(() => null);
    if (!meta) return;
    if (this.expectedSha && meta.sha256 && meta.sha256 !== this.expectedSha) return this.discard();
    let loaded = false;
    if (meta.hashState) {
      try {
        this.hash.load(Uint8Array.from(atob(meta.hashState), (c) => c.charCodeAt(0)));
        loaded = true;
      } catch {
        this.hash.init();
      }
    }
    try {
      if (!loaded) for (let i = 0; i < meta.parts.length; i++) this.hash.update(new Uint8Array(await (await this.store.part(this.url, i)).arrayBuffer()));
    } catch {
      this.hash.init();
      return this.discard();
    }
    this.parts = [...meta.parts];
    this.done = meta.parts.reduce((a, b) => a + b, 0);
    this.total = meta.total;
    this.etag = meta.etag;
    this.lastModified = meta.lastModified;
    this.expectedSha ??= meta.sha256;
    this.note = `continuing from ${formatBytes(this.done)} kept from an earlier visit`;
    this.report(true);
  }

  private async receiveAll(): Promise<void> {
    const retries = this.options.retries ?? 5;
    const delay = this.options.retryDelayMs ?? ((n: number) => 1000 * 2 ** (n - 1));
    let failures = 0;
    let highWater = this.done;
    for (;;) {
      this.signal.throwIfAborted();
      try {
        const res = await this.request();
        if (!res) continue;
        await this.read(res);
        if (this.total !== null && this.done < this.total) throw new RetryableError(`the server closed the connection at ${formatBytes(this.done)}`);
        return;
      } catch (e) {
        if (this.signal.aborted || !(e instanceof RetryableError)) throw e;
        failures = this.done > highWater ? 1 : failures + 1;
        // A server never reached is not a dropped connection: one quick retry, not five with back-off.
        if (e instanceof UnreachableError && !this.reached && failures > 1) throw new UnreachableError(`${this.name}: ${e.message}`);
        highWater = Math.max(highWater, this.done);
        const at = this.total ? `${formatBytes(this.done)} of ${formatBytes(this.total)}` : formatBytes(this.done);
        if (failures > retries) {
          const kept =
            this.parts.length > 0 && this.persist
              ? ` The ${formatBytes(this.keptBytes())} downloaded so far are kept: download again to continue.`
              : ' Try again when the connection is back.';
          throw new RetryableError(`${this.name}: the download failed at ${at} (${e.message}) after ${retries} retries.${kept}`);
        }
        const wait = delay(failures);
        this.note = `connection lost at ${at} (${e.message}); retrying in ${Math.round(wait / 1000)} s (retry ${failures} of ${retries})`;
        this.report(true);
        await sleep(wait, this.signal);
        await waitOnline(this.signal, Math.max(wait, 10_000));
      }
    }
  }

  /** One request from `done`; null when the answer showed the kept bytes are unusable (start again). */
  private async request(): Promise<Response | null> {
    if (this.done > 0 && this.rangeOk === false) await this.restart('the server cannot resume downloads; starting again');
    const offset = this.done;
    const ranged = offset > 0;
    let res: Response;
    try {
      res = await this.fetch(this.url, { signal: this.signal, cache: 'no-store', ...(ranged ? { headers: { Range: `bytes=${offset}-` } } : {}) });
    } catch (e) {
      if (this.signal.aborted) throw e;
      throw new UnreachableError(`the network is unreachable or ${hostOf(this.url)} refused (${(e as Error).message})`);
    }
    this.reached = true;
    if (ranged && res.status === 206) {
      if (this.sameFile(res, offset)) {
        this.rangeOk = true;
        this.note = `resuming at ${formatBytes(offset)}`;
        this.report(true);
        return res;
      }
      await res.body?.cancel();
      await this.restart('the file on the server has changed; starting again');
      return null;
    }
    if (ranged && res.status === 416) {
      await res.body?.cancel();
      await this.restart('the server cannot continue from the kept bytes; starting again');
      return null;
    }
    if (res.status === 408 || res.status === 429 || res.status >= 500) {
      await res.body?.cancel();
      throw new RetryableError(`${hostOf(this.url)} answered HTTP ${res.status}`);
    }
    if (!res.ok || res.status === 206 || !res.body) throw new Error(`Could not download ${this.name}: the server answered HTTP ${res.status}.`);
    // A whole file (200): the first answer, or a server that ignored the Range.
    if (offset > 0) {
      this.rangeOk = false;
      await this.restart('the server cannot resume downloads; starting again');
    }
    const announced = numberHeader(res.headers, 'content-length');
    if (announced !== null && this.outside(announced)) {
      await res.body.cancel();
      throw new Error(
        `${this.name}: the server announces ${announced} bytes but the published size is ${this.check.expectedSize}; refusing a file that is not the published one.`,
      );
    }
    if (this.rangeOk === null && res.headers.get('accept-ranges')?.toLowerCase() === 'none') this.rangeOk = false;
    this.total = announced;
    this.etag = res.headers.get('etag');
    this.lastModified = res.headers.get('last-modified');
    this.expectedSha = this.check.sha256?.toLowerCase() ?? serverSha256(res.headers);
    return res;
  }

  /** Whether a 206 continues the file the kept bytes came from, at `offset`. */
  private sameFile(res: Response, offset: number): boolean {
    const range = res.headers.get('content-range')?.match(/^bytes (\d+)-(\d+)\/(\d+|\*)$/i);
    const length = numberHeader(res.headers, 'content-length');
    if (range) {
      const total = range[3] === '*' ? null : Number(range[3]);
      if (Number(range[1]) !== offset) return false;
      if (total !== null && this.total !== null && total !== this.total) return false;
      if (total !== null && this.outside(total)) return false;
      this.total ??= total;
    } else if (length !== null && this.total !== null && length !== this.total - offset) {
      // Content-Range is not readable cross-origin unless exposed; the length is.
      return false;
    }
    const etag = res.headers.get('etag');
    if (etag && this.etag && etag !== this.etag) return false;
    const modified = res.headers.get('last-modified');
    if (!etag && modified && this.lastModified && modified !== this.lastModified) return false;
    const sha = this.check.sha256 ? null : serverSha256(res.headers);
    if (sha && this.expectedSha && sha !== this.expectedSha) return false;
    return true;
  }

  private async read(res: Response): Promise<void> {
    const reader = res.body!.getReader();
    try {
      for (;;) {
        let chunk: ReadableStreamReadResult<Uint8Array>;
        try {
          chunk = await reader.read();
        } catch (e) {
          if (this.signal.aborted) throw e;
          throw new RetryableError(`the connection dropped: ${(e as Error).message}`);
        }
        if (chunk.done) break;
        const value = chunk.value;
        if (this.total !== null && this.done + value.byteLength > this.total)
          throw new Error(`${this.name}: the server sent more than the ${this.total} bytes it announced; refusing the file.`);
        this.hash.update(value);
        this.pending.push(value);
        this.pendingBytes += value.byteLength;
        this.done += value.byteLength;
        this.received += value.byteLength;
        // The last bytes of the file are never kept as a part, so kept state is always unfinished.
        if (this.pendingBytes >= this.partSize && (this.total === null || this.done < this.total)) await this.keepPart();
        this.report(false);
      }
    } finally {
      reader.releaseLock();
    }
  }

  private async keepPart(): Promise<void> {
    const part = new Blob(this.pending as Uint8Array<ArrayBuffer>[]);
    this.pending = [];
    this.pendingBytes = 0;
    const index = this.parts.length;
    this.parts.push(part.size);
    if (this.persist) {
      try {
        await this.store.putPart(this.url, index, part);
        await this.store.putMeta(this.meta());
        return;
      } catch (e) {
        // Storage is full or unavailable: finish in memory; what was kept before stays valid.
        console.warn(`${this.name}: downloaded parts cannot be kept in storage (${(e as Error).message})`);
        this.persist = false;
      }
    }
    this.held.set(index, part);
  }

  private meta(): PartialMeta {
    let hashState: string | null = null;
    try {
      hashState = btoa(String.fromCharCode(...this.hash.save()));
    } catch {
      hashState = null;
    }
    return {
      version: 1,
      url: this.url,
      total: this.total,
      etag: this.etag,
      lastModified: this.lastModified,
      sha256: this.expectedSha,
      parts: [...this.parts],
      hashState,
      updatedAt: Date.now(),
    };
  }

  private async restart(note: string): Promise<void> {
    await this.store.clear(this.url).catch(() => undefined);
    this.hash.init();
    this.parts = [];
    this.held.clear();
    this.persist = true;
    this.pending = [];
    this.pendingBytes = 0;
    this.done = 0;
    this.total = null;
    this.etag = null;
    this.lastModified = null;
    this.note = note;
    this.report(true);
  }

  private async assemble(): Promise<Blob> {
    const blobs: Blob[] = [];
    for (let i = 0; i < this.parts.length; i++) {
      const part = this.held.get(i) ?? (await this.store.part(this.url, i).catch(() => null));
      if (!part || part.size !== this.parts[i])
        throw new Error(`${this.name}: part of the download vanished from browser storage (storage pressure?); download it again.`);
      blobs.push(part);
    }
    blobs.push(new Blob(this.pending as Uint8Array<ArrayBuffer>[]));
    this.note = undefined;
    this.onProgress({ done: this.done, total: this.done, bytesPerSecond: this.rate(), etaSeconds: 0 });
    return new Blob(blobs);
  }

  private verify(size: number): void {
    if (size !== this.done) throw new Error(`${this.name}: the download is incomplete (${size} of ${this.done} bytes); download it again.`);
    if (this.total !== null && size !== this.total) throw new Error(`${this.name}: the download stopped at ${size} of ${this.total} bytes; try again.`);
    if (this.outside(size))
      throw new Error(`${this.name}: got ${size} bytes but the published size is ${this.check.expectedSize}; refusing a file that is not the published one.`);
    const got = this.hash.digest('hex');
    if (this.expectedSha && got !== this.expectedSha)
      throw new Error(`${this.name}: its SHA-256 is ${got}, the expected one is ${this.expectedSha}; the file is damaged or not the published one.`);
  }

  private outside(n: number): boolean {
    return this.check.expectedSize !== null && Math.abs(n - this.check.expectedSize) > this.check.tolerance;
  }

  private keptBytes(): number {
    return this.parts.reduce((a, b) => a + b, 0);
  }

  private rate(): number {
    return this.received / Math.max(0.001, (performance.now() - this.started) / 1000);
  }

  private report(force: boolean): void {
    const now = performance.now();
    if (!force && now - this.lastReport < 200) return;
    this.lastReport = now;
    const rate = this.rate();
    const total = this.total ?? this.check.expectedSize ?? 0;
    this.onProgress({
      done: this.done,
      total,
      bytesPerSecond: rate,
      etaSeconds: total > this.done && rate > 0 ? (total - this.done) / rate : null,
      ...(this.note ? { note: this.note } : {}),
    });
  }

  private async discard(): Promise<void> {
    this.held.clear();
    this.pending = [];
    await this.store.clear(this.url).catch(() => undefined);
  }

  /** Deletes unfinished downloads of other files that nobody touched for two weeks. */
  private async sweep(): Promise<void> {
    try {
      for (const meta of await this.store.list()) if (meta.url !== this.url && Date.now() - meta.updatedAt > STALE_MS) await this.store.clear(meta.url);
    } catch {
      // Nothing to sweep, or storage unavailable: the download itself will say.
    }
  }
}

let fallbackStore: PartStore | null = null;

function defaultStore(): PartStore {
  if (typeof caches !== 'undefined') return cacheParts();
  return (fallbackStore ??= memoryParts());
}

/**
 * One download of a URL at a time across tabs (Web Locks), held until the file is discarded, so
 * another tab never resumes or deletes parts in use. A closed tab releases its locks.
 */
async function withLock(lockName: string, name: string, fn: () => Promise<Downloaded>): Promise<Downloaded> {
  const locks = (globalThis.navigator as Navigator | undefined)?.locks;
  if (!locks) return fn();
  return new Promise<Downloaded>((resolve, reject) => {
    locks
      .request(lockName, { ifAvailable: true }, async (lock) => {
        if (!lock) throw new Error(`${name} is already being downloaded in another tab of this app; wait for it there, or close that tab and try again.`);
        const file = await fn();
        let release!: () => void;
        const released = new Promise<void>((r) => (release = r));
        resolve({
          blob: file.blob,
          discard: async () => {
            try {
              await file.discard();
            } finally {
              release();
            }
          },
        });
        await released;
      })
      .catch(reject);
  });
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal.aborted) return reject(signal.reason);
    const done = () => {
      signal.removeEventListener('abort', abort);
      resolve();
    };
    const timer = setTimeout(done, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal.reason);
    };
    signal.addEventListener('abort', abort, { once: true });
  });
}

/** Waits (at most `ms`) for the browser to be online again. */
async function waitOnline(signal: AbortSignal, ms: number): Promise<void> {
  if (typeof navigator === 'undefined' || navigator.onLine || typeof addEventListener !== 'function') return;
  await new Promise<void>((resolve, reject) => {
    const finish = () => {
      clearTimeout(timer);
      removeEventListener('online', finish);
      signal.removeEventListener('abort', abort);
      resolve();
    };
    const abort = () => {
      finish();
      reject(signal.reason);
    };
    const timer = setTimeout(finish, ms);
    addEventListener('online', finish);
    signal.addEventListener('abort', abort, { once: true });
  });
}

function numberHeader(headers: Headers, name: string): number | null {
  const v = headers.get(name);
  const n = v === null || v.trim() === '' ? NaN : Number(v);
  return Number.isSafeInteger(n) && n >= 0 ? n : null;
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the server';
  }
}

/** A SHA-256 the server vouches for: Hugging Face's LFS ETag (64 hex digits) or Repr-Digest. */
function serverSha256(headers: Headers): string | null {
  for (const h of ['x-linked-etag', 'etag']) {
    const m = headers.get(h)?.match(/^(?:W\/)?"?([0-9a-f]{64})"?$/i);
    if (m) return m[1]!.toLowerCase();
  }
  const digest = headers.get('repr-digest') ?? headers.get('digest');
  const b64 = digest?.match(/sha-256=:?([A-Za-z0-9+/=]+):?/i)?.[1];
  if (!b64) return null;
  return Array.from(atob(b64), (c) => c.charCodeAt(0).toString(16).padStart(2, '0')).join('');
}

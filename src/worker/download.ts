import { createSHA256 } from 'hash-wasm';

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
}

const PART = 16 * 1024 * 1024;

/**
 * Downloads a file as a Blob (assembled from parts, never one ArrayBuffer), checking its size
 * against the published one and the server's announcement, and its SHA-256 against the
 * expected one or the one the server sends (an LFS ETag or a Repr-Digest header).
 */
export async function download(url: string, check: DownloadCheck, onProgress: (p: DownloadProgress) => void, signal: AbortSignal): Promise<Blob> {
  const name = url.split('/').pop() ?? url;
  let res: Response;
  try {
    res = await fetch(url, { signal, cache: 'no-store' });
  } catch (e) {
    if (signal.aborted) throw e;
    throw new Error(`Could not download ${name} from ${new URL(url).host}: the network is unreachable or the server refused (${(e as Error).message}).`);
  }
  if (!res.ok || !res.body) throw new Error(`Could not download ${name}: the server answered HTTP ${res.status}.`);

  const announced = Number(res.headers.get('content-length') ?? NaN);
  const outside = (n: number) => check.expectedSize !== null && Math.abs(n - check.expectedSize) > check.tolerance;
  if (Number.isFinite(announced) && outside(announced)) {
    await res.body.cancel();
    throw new Error(`${name}: the server announces ${announced} bytes but the published size is ${check.expectedSize}; refusing a file that is not the published one.`);
  }
  const expectedHash = check.sha256?.toLowerCase() ?? serverSha256(res.headers);
  const total = Number.isFinite(announced) ? announced : check.expectedSize ?? 0;

  const hash = await createSHA256();
  hash.init();
  const parts: Blob[] = [];
  let pending: Uint8Array[] = [];
  let pendingBytes = 0;
  let done = 0;
  const started = performance.now();
  let lastReport = 0;
  const reader = res.body.getReader();
  for (;;) {
    const { done: end, value } = await reader.read();
    if (end) break;
    hash.update(value);
    pending.push(value);
    pendingBytes += value.byteLength;
    done += value.byteLength;
    if (pendingBytes >= PART) {
      parts.push(new Blob(pending as Uint8Array<ArrayBuffer>[]));
      pending = [];
      pendingBytes = 0;
    }
    const now = performance.now();
    if (now - lastReport > 200) {
      lastReport = now;
      const rate = done / Math.max(0.001, (now - started) / 1000);
      onProgress({ done, total, bytesPerSecond: rate, etaSeconds: total > done ? (total - done) / rate : null });
    }
  }
  parts.push(new Blob(pending as Uint8Array<ArrayBuffer>[]));
  onProgress({ done, total: done, bytesPerSecond: done / Math.max(0.001, (performance.now() - started) / 1000), etaSeconds: 0 });

  if (Number.isFinite(announced) && done !== announced) throw new Error(`${name}: the download stopped at ${done} of ${announced} bytes; try again.`);
  if (outside(done)) throw new Error(`${name}: got ${done} bytes but the published size is ${check.expectedSize}; refusing a file that is not the published one.`);
  const got = hash.digest('hex');
  if (expectedHash && got !== expectedHash) throw new Error(`${name}: its SHA-256 is ${got}, the expected one is ${expectedHash}; the file is damaged or not the published one.`);
  return new Blob(parts);
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

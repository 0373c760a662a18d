// Test and debug switches, all in one place. The page reads them from its URL (only with `?e2e`)
// and sends them once, with `init`; the worker applies them once, by wrapping what it already
// has (the encoder, the database), so no production code path knows about them.
import type { EncodeImages } from '../engine/embed/image-embedder';
import type { LibraryDb } from '../library/db';

export interface DebugFlags {
  /** `?e2e`: tests drive the page (window.__longclipTest, the worker's `debug-pixels`). */
  e2e: boolean;
  /** `?e2e&indexDelay=ms`: each encoder batch waits this long (so a test can stop a page mid-run). */
  indexDelayMs: number;
  /** `?e2e&searchDelay=ms`: each search's text encoding waits this long (so a test sees the grid between two queries). */
  searchDelayMs: number;
  /**
   * `?e2e&storageFullAfter=n`: a transaction that would leave more than n embeddings of the
   * loaded model stored fails as a full disk does (it aborts with QuotaExceededError).
   */
  storageFullAfter: number | null;
}

export const NO_DEBUG: DebugFlags = { e2e: false, indexDelayMs: 0, searchDelayMs: 0, storageFullAfter: null };

/** The flags in a page's query string (`location.search`); none without `e2e`. */
export function debugFlagsFrom(search: string): DebugFlags {
  const params = new URLSearchParams(search);
  if (!params.has('e2e')) return NO_DEBUG;
  const delay = Number(params.get('indexDelay') ?? 0);
  const searchDelay = Number(params.get('searchDelay') ?? 0);
  const full = params.get('storageFullAfter');
  return {
    e2e: true,
    indexDelayMs: Number.isFinite(delay) && delay > 0 ? delay : 0,
    searchDelayMs: Number.isFinite(searchDelay) && searchDelay > 0 ? searchDelay : 0,
    storageFullAfter: full !== null && full.trim() !== '' && Number.isFinite(Number(full)) ? Number(full) : null,
  };
}

/** The encoder, slowed down by `indexDelayMs` per batch. */
export function delayedEncoder(encode: EncodeImages, flags: DebugFlags): EncodeImages {
  if (!flags.indexDelayMs) return encode;
  return async (pixels, count) => {
    await new Promise((resolve) => setTimeout(resolve, flags.indexDelayMs));
    return encode(pixels, count);
  };
}

/** A search's text encoder, slowed down by `searchDelayMs`. */
export function delayedTextEncoder<A extends unknown[], R>(embed: (...args: A) => Promise<R>, flags: DebugFlags): (...args: A) => Promise<R> {
  if (!flags.searchDelayMs) return embed;
  return async (...args) => {
    await new Promise((resolve) => setTimeout(resolve, flags.searchDelayMs));
    return embed(...args);
  };
}

/**
 * The database with a fake storage limit: a read-write transaction over `embeddings` that would
 * commit more than `storageFullAfter` embeddings of the model (`modelKey()`) aborts, as a full
 * disk makes the browser abort it, and its `done` rejects with a QuotaExceededError.
 */
export function limitedStorage(db: LibraryDb, flags: DebugFlags, modelKey: () => string | null): LibraryDb {
  const limit = flags.storageFullAfter;
  if (limit === null) return db;
  return new Proxy(db, {
    get(target, prop) {
      if (prop !== 'transaction') {
        const value: unknown = Reflect.get(target, prop, target);
        return typeof value === 'function' ? (value as (...args: unknown[]) => unknown).bind(target) : value;
      }
      return (...args: Parameters<LibraryDb['transaction']>) => {
        const tx = target.transaction(...args);
        const stores: string[] = typeof args[0] === 'string' ? [args[0]] : Array.from(args[0]);
        const key = modelKey();
        if (args[1] !== 'readwrite' || !stores.includes('embeddings') || key === null) return tx;
        return new Proxy(tx, {
          get(t, p) {
            if (p !== 'done') {
              const value: unknown = Reflect.get(t, p, t);
              return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
            }
            // Asked for when the transaction's requests are all issued: count what it would leave.
            return (async () => {
              const stored = await t.objectStore('embeddings').index('by-model').count(key);
              if (stored > limit) {
                t.done.catch(() => undefined); // rejected by the abort, reported as the quota error below
                t.abort();
                throw new DOMException(`The quota has been exceeded (test: more than ${limit} embeddings).`, 'QuotaExceededError');
              }
              return t.done;
            })();
          },
        });
      };
    },
  });
}

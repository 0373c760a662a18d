// The debug flags: read from the page's URL only with ?e2e, applied by wrapping the encoder and
// the database; a fake full disk aborts the transaction that would store too many embeddings.
import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { openLibraryDb } from '../library/db';
import { isQuotaError, quiet } from '../library/queue';
import { debugFlagsFrom, delayedEncoder, delayedTextEncoder, limitedStorage, NO_DEBUG } from './debug-flags';

describe('debug flags', () => {
  it('are read only with ?e2e', () => {
    expect(debugFlagsFrom('?indexDelay=500&storageFullAfter=3')).toEqual(NO_DEBUG);
    expect(debugFlagsFrom('?provider=wasm&e2e&indexDelay=500')).toEqual({ e2e: true, indexDelayMs: 500, searchDelayMs: 0, storageFullAfter: null });
    expect(debugFlagsFrom('?e2e&storageFullAfter=12&indexDelay=x&searchDelay=300')).toEqual({
      e2e: true,
      indexDelayMs: 0,
      searchDelayMs: 300,
      storageFullAfter: 12,
    });
  });

  it('change nothing when off', async () => {
    const encode = async () => [];
    expect(delayedEncoder(encode, NO_DEBUG)).toBe(encode);
    expect(delayedTextEncoder(encode, NO_DEBUG)).toBe(encode);
    const db = await openLibraryDb({ name: 'debug-flags-off' });
    expect(limitedStorage(db, NO_DEBUG, () => 'm')).toBe(db);
  });

  it('slow down each encoder batch, and each search text encoding', async () => {
    const slow = delayedEncoder(async () => [new Float32Array(1)], { ...NO_DEBUG, e2e: true, indexDelayMs: 60 });
    const t = performance.now();
    await slow(new Float32Array(1), 1);
    expect(performance.now() - t).toBeGreaterThanOrEqual(50);
    const slowText = delayedTextEncoder(async (texts: string[]) => texts.map(() => new Float32Array(1)), { ...NO_DEBUG, e2e: true, searchDelayMs: 60 });
    const t2 = performance.now();
    expect(await slowText(['a'])).toHaveLength(1);
    expect(performance.now() - t2).toBeGreaterThanOrEqual(50);
  });

  it('fake a full disk once more than n embeddings of the model would be stored: the transaction writes nothing', async () => {
    const db = await openLibraryDb({ name: 'debug-flags-full' });
    const limited = limitedStorage(db, { ...NO_DEBUG, e2e: true, storageFullAfter: 2 }, () => 'm');
    const put = async (hashes: string[]) => {
      const tx = limited.transaction(['photos', 'embeddings'], 'readwrite');
      for (const hash of hashes) {
        quiet(tx.objectStore('photos').put({ hash, width: 1, height: 1, type: 'image/png', size: 1, addedAt: 0 }));
        quiet(tx.objectStore('embeddings').put({ model: 'm', hash, block: 0 }));
      }
      await tx.done;
    };
    await put(['a', 'b']);
    const failure = await put(['c']).catch((e: unknown) => e);
    expect(isQuotaError(failure)).toBe(true);
    expect(await db.count('embeddings')).toBe(2);
    expect(await db.count('photos')).toBe(2);
    // Reads and other stores pass through.
    expect((await limited.getAll('photos')).map((p) => p.hash)).toEqual(['a', 'b']);
  });
});

// The indexer's writes: one read-write transaction that commits whole or not at all, with a full
// disk turned into the one error the app explains (StorageFullError).
import type { IDBPTransaction, StoreNames } from 'idb';
import type { LibraryDb } from '../library/db';
import { isQuotaError, quiet } from '../library/queue';
import type { LibrarySchema } from '../library/schema';

/** The browser refused to store more: indexing stops, what was committed stays. */
export class StorageFullError extends Error {
  constructor() {
    super(
      'Storage is full: the browser has no space left for this site. Indexing stopped; the photos indexed so far are kept and stay searchable. Free some space (or delete a stored model), then reload the page to index the rest.',
    );
    this.name = 'StorageFullError';
  }
}

export type WriteTx<S extends StoreNames<LibrarySchema>[]> = IDBPTransaction<LibrarySchema, S, 'readwrite'>;

/** Runs `write` in one transaction over `stores` and waits for it to commit; on any error nothing of it is written. */
export async function writeTransaction<S extends StoreNames<LibrarySchema>[]>(
  db: LibraryDb,
  stores: S,
  write: (tx: WriteTx<S>) => Promise<void>,
): Promise<void> {
  const tx = db.transaction(stores, 'readwrite');
  try {
    await write(tx);
    await tx.done;
  } catch (e) {
    quiet(tx.done);
    try {
      tx.abort();
    } catch {
      // already finished
    }
    if (isQuotaError(e) || isQuotaError(tx.error)) throw new StorageFullError();
    throw e;
  }
}

// Opening the library database: its stores created or upgraded by version, and what the page is
// told when another tab or the browser closes the connection.
import { openDB, type IDBPDatabase, type IDBPTransaction, type StoreNames } from 'idb';
import { DB_NAME, DB_VERSION, type EmbeddingRecordV2, type LibrarySchema } from './schema';
import { appendVectors, type StoredVector } from './vector-blocks';

export type LibraryDb = IDBPDatabase<LibrarySchema>;

/** Why a connection was closed under the app. */
export type ClosedReason = 'versionchange' | 'terminated';

export interface LibraryDbEvents {
  /**
   * The connection was closed: another tab upgraded (or deleted) the database, so this one
   * gave way (`versionchange`), or the browser closed it (`terminated`: storage cleared, disk
   * errors). The code of this page no longer matches the database: reload.
   */
  onClosed?(reason: ClosedReason): void;
  /** This page's upgrade waits for another tab that keeps an older version open. */
  onBlocked?(): void;
  /** Test-only: another database name. */
  name?: string;
  /** Test-only: open this version instead (an older schema, for upgrade tests). */
  version?: number;
}

/** The message for a page whose database was upgraded under it. */
export const UPDATED_IN_ANOTHER_TAB = 'The app was updated in another tab — reload to continue.';
export const CLOSED_BY_BROWSER = 'The browser closed the photo library (storage was cleared or failed) — reload to continue.';

/**
 * Opens the library database, creating or upgrading its stores. Every upgrade keeps what the
 * older versions stored. Another tab upgrading the schema closes this connection at once
 * (`versionchange`) instead of blocking that tab, and `onClosed` tells the caller.
 */
export function openLibraryDb(events: LibraryDbEvents | (() => void) = {}): Promise<LibraryDb> {
  const on: LibraryDbEvents = typeof events === 'function' ? { onClosed: events } : events;
  return openDB<LibrarySchema>(on.name ?? DB_NAME, on.version ?? DB_VERSION, {
    async upgrade(db, oldVersion, _newVersion, transaction) {
      const target = on.version ?? DB_VERSION;
      if (oldVersion < 1) {
        db.createObjectStore('photos', { keyPath: 'hash' });
        db.createObjectStore('files', { keyPath: 'path' }).createIndex('by-hash', 'hash');
        db.createObjectStore('thumbnails', { keyPath: 'hash' });
        db.createObjectStore('embeddings', { keyPath: ['model', 'hash'] }).createIndex('by-model', 'model');
        db.createObjectStore('models', { keyPath: 'key' });
        db.createObjectStore('folders', { keyPath: 'name' });
      }
      // v2: the indexing queue survives a reload (queue.ts).
      if (oldVersion < 2 && target >= 2) {
        db.createObjectStore('jobs', { keyPath: 'id', autoIncrement: true });
        db.createObjectStore('queue', { keyPath: 'id', autoIncrement: true }).createIndex('by-job', 'job');
      }
      // v3: embeddings packed in blocks, so a large library loads in a few reads (vector-blocks.ts).
      if (oldVersion < 3 && target >= 3) {
        db.createObjectStore('vectors', { keyPath: ['model', 'block'] });
        if (oldVersion >= 1) await packEmbeddings(transaction);
      }
    },
    blocked() {
      on.onBlocked?.();
    },
    blocking(_current, _blocked, event) {
      (event.target as IDBDatabase).close();
      on.onClosed?.('versionchange');
    },
    terminated() {
      on.onClosed?.('terminated');
    },
  });
}

/**
 * The v3 upgrade: every v2 embedding record (one per photo and model, with its vector) becomes a
 * row of its model's blocks and a small record naming the block. A vector that does not match
 * its model's first one in type and length is dropped (the integrity check of v2 removed those).
 */
async function packEmbeddings(tx: IDBPTransaction<LibrarySchema, StoreNames<LibrarySchema>[], 'versionchange'>): Promise<void> {
  const embeddings = tx.objectStore('embeddings');
  const old = (await embeddings.getAll()) as unknown as EmbeddingRecordV2[];
  const byModel = new Map<string, StoredVector[]>();
  for (const r of old) {
    if (!(r.vector instanceof Float32Array)) continue;
    const list = byModel.get(r.model) ?? [];
    if (list.length && list[0]!.vector.length !== r.vector.length) continue;
    list.push({ hash: r.hash, vector: r.vector });
    byModel.set(r.model, list);
  }
  await embeddings.clear();
  const stores = { vectors: tx.objectStore('vectors'), embeddings };
  for (const [model, items] of byModel) await appendVectors(stores, model, items, items[0]!.vector.length);
}

/** True for the error of opening a database that a newer version of the app has upgraded. */
export function isVersionError(e: unknown): boolean {
  return (e as DOMException)?.name === 'VersionError';
}

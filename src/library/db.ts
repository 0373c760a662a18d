import { openDB, type IDBPDatabase } from 'idb';
import { DB_NAME, DB_VERSION, type LibrarySchema } from './schema';

export type LibraryDb = IDBPDatabase<LibrarySchema>;

/**
 * Opens the library database, creating or upgrading its stores. Another tab upgrading the
 * schema closes this connection (versionchange) instead of blocking it; `onClosed` lets the
 * caller reopen or tell the user to reload.
 */
export function openLibraryDb(onClosed?: () => void): Promise<LibraryDb> {
  return openDB<LibrarySchema>(DB_NAME, DB_VERSION, {
    upgrade(db, oldVersion) {
      if (oldVersion < 1) {
        db.createObjectStore('photos', { keyPath: 'hash' });
        db.createObjectStore('files', { keyPath: 'path' }).createIndex('by-hash', 'hash');
        db.createObjectStore('thumbnails', { keyPath: 'hash' });
        db.createObjectStore('embeddings', { keyPath: ['model', 'hash'] }).createIndex('by-model', 'model');
        db.createObjectStore('models', { keyPath: 'key' });
        db.createObjectStore('folders', { keyPath: 'name' });
      }
    },
    blocking(_current, _blocked, event) {
      (event.target as IDBDatabase).close();
      onClosed?.();
    },
    terminated() {
      onClosed?.();
    },
  });
}

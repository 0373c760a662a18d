// Model bundles kept in browser storage: their files in the Cache API, their manifest and
// where they came from in IndexedDB (the `models` store).
import type { BundleFiles } from '../engine/bundle/files';
import { modelKey } from '../engine/bundle/identity';
import { BundleError, type BundleManifest } from '../engine/bundle/manifest';
import type { LibraryDb } from '../library/db';
import type { ModelRecord } from '../library/schema';

const CACHE = 'longclip-models-v1';
/** Synthetic same-origin URLs that key bundle files in the Cache API (never fetched). */
const urlFor = (key: string, path: string) => new URL(`/__model-store__/${encodeURIComponent(key)}/${encodeURIComponent(path)}`, self.location.origin).href;

/** Keeps a bundle's files in the Cache API and its manifest in IndexedDB. */
export async function storeBundle(
  db: LibraryDb,
  manifest: BundleManifest,
  files: ReadonlyMap<string, Blob>,
  name: string,
  origin: string,
): Promise<ModelRecord> {
  const key = modelKey(manifest);
  const cache = await caches.open(CACHE);
  const urls: Record<string, string> = {};
  let bytes = 0;
  try {
    for (const [path, blob] of files) {
      urls[path] = urlFor(key, path);
      bytes += blob.size;
      await cache.put(urls[path], new Response(blob, { headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(blob.size) } }));
    }
  } catch (e) {
    for (const url of Object.values(urls)) await cache.delete(url);
    throw new Error(quotaMessage(e, `The model could not be stored in the browser (${(e as Error).message})`), { cause: e });
  }
  const record: ModelRecord = { key, name, bytes, storedAt: Date.now(), manifest, files: urls, origin };
  await db.put('models', record);
  return record;
}

export function storedBundleFiles(record: ModelRecord): BundleFiles {
  return {
    location: `stored model ${record.name}`,
    async read(path) {
      const url = record.files[path];
      const res = url ? await (await caches.open(CACHE)).match(url) : undefined;
      if (!res) throw new BundleError(`the stored model ${record.name} is missing ${path}; import it again`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

export async function deleteBundle(db: LibraryDb, key: string): Promise<void> {
  const record = await db.get('models', key);
  if (!record) return;
  const cache = await caches.open(CACHE);
  for (const url of Object.values(record.files)) await cache.delete(url);
  await db.delete('models', key);
}

function quotaMessage(e: unknown, fallback: string): string {
  return (e as DOMException)?.name === 'QuotaExceededError'
    ? 'The browser ran out of storage space for this site. Free some space (or delete a stored model) and try again; your indexed photos are kept.'
    : fallback;
}

// Where an unfinished download keeps the parts it has completed, so that a dropped connection
// or a closed tab costs at most one part: the Cache API in the browser (parts are disk-backed
// there, so a 1.7 GB checkpoint is never held in memory), a Map in tests.

/** What a later attempt (or visit) needs to continue a download: written after each part. */
export interface PartialMeta {
  version: 1;
  url: string;
  /** The full size the server announced (null: it did not say). */
  total: number | null;
  /** Validators of the file the parts came from; a continuation with different ones starts again. */
  etag: string | null;
  lastModified: string | null;
  /** The SHA-256 expected at the end (the catalog's, or the one the server announced). */
  sha256: string | null;
  /** Sizes of the kept parts, in order. */
  parts: number[];
  /** hash-wasm's saved SHA-256 state after the kept parts (base64); null: hash them again. */
  hashState: string | null;
  updatedAt: number;
}

export interface PartStore {
  /** The kept state of `url`, or null when there is none or it is incomplete (which is then cleared). */
  read(url: string): Promise<PartialMeta | null>;
  putPart(url: string, index: number, part: Blob): Promise<void>;
  putMeta(meta: PartialMeta): Promise<void>;
  /** A kept part (disk-backed where the store is the Cache API). */
  part(url: string, index: number): Promise<Blob>;
  /** Forgets everything kept for `url`. */
  clear(url: string): Promise<void>;
  /** Every unfinished download kept (for the UI, and to clear old ones). */
  list(): Promise<PartialMeta[]>;
}

const CACHE = 'longclip-downloads-v1';
const keyFor = (url: string, what: string) => new URL(`/__download__/${encodeURIComponent(url)}/${what}`, self.location.origin).href;

/** The Cache API store: one entry per part and one for the meta, under synthetic same-origin URLs. */
export function cacheParts(): PartStore {
  const open = () => caches.open(CACHE);
  const store: PartStore = {
    async read(url) {
      const cache = await open();
      const res = await cache.match(keyFor(url, 'meta'));
      if (!res) return null;
      let meta: PartialMeta | null = null;
      try {
        meta = validMeta(await res.json(), url);
      } catch {
        meta = null;
      }
      if (meta) {
        // Every part the meta lists must be there, whole (storage can be evicted under pressure).
        for (let i = 0; i < meta.parts.length; i++) {
          const part = await cache.match(keyFor(url, `part-${i}`));
          if (!part || Number(part.headers.get('content-length')) !== meta.parts[i]) {
            meta = null;
            break;
          }
        }
      }
      if (!meta) await store.clear(url);
      return meta;
    },
    async putPart(url, index, part) {
      await (
        await open()
      ).put(keyFor(url, `part-${index}`), new Response(part, { headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(part.size) } }));
    },
    async putMeta(meta) {
      await (await open()).put(keyFor(meta.url, 'meta'), new Response(JSON.stringify(meta), { headers: { 'Content-Type': 'application/json' } }));
    },
    async part(url, index) {
      const res = await (await open()).match(keyFor(url, `part-${index}`));
      if (!res) throw new Error('a downloaded part is no longer in browser storage');
      return res.blob();
    },
    async clear(url) {
      const cache = await open();
      const prefix = keyFor(url, '');
      // The meta first: without it the parts are never used again, even if deleting them stops halfway.
      await cache.delete(keyFor(url, 'meta'));
      for (const req of await cache.keys()) if (req.url.startsWith(prefix)) await cache.delete(req);
    },
    async list() {
      const cache = await open();
      const out: PartialMeta[] = [];
      for (const req of await cache.keys()) {
        if (!req.url.endsWith('/meta')) continue;
        try {
          const json = (await (await cache.match(req))?.json()) as { url?: unknown } | undefined;
          const meta = typeof json?.url === 'string' ? validMeta(json, json.url) : null;
          if (meta) out.push(meta);
          else await cache.delete(req);
        } catch {
          await cache.delete(req);
        }
      }
      return out;
    },
  };
  return store;
}

/** A store in memory (tests, or where the Cache API is missing): lives as long as the worker. */
export function memoryParts(): PartStore & { parts: Map<string, Blob> } {
  const metas = new Map<string, PartialMeta>();
  const parts = new Map<string, Blob>();
  return {
    parts,
    async read(url) {
      const meta = metas.get(url);
      if (!meta) return null;
      if (meta.parts.some((size, i) => parts.get(`${url}#${i}`)?.size !== size)) {
        await this.clear(url);
        return null;
      }
      return structuredClone(meta);
    },
    async putPart(url, index, part) {
      parts.set(`${url}#${index}`, part);
    },
    async putMeta(meta) {
      metas.set(meta.url, structuredClone(meta));
    },
    async part(url, index) {
      const part = parts.get(`${url}#${index}`);
      if (!part) throw new Error('a downloaded part is missing');
      return part;
    },
    async clear(url) {
      metas.delete(url);
      for (const k of parts.keys()) if (k.startsWith(`${url}#`)) parts.delete(k);
    },
    async list() {
      return [...metas.values()].map((m) => structuredClone(m));
    },
  };
}

/** The meta if it is one this version wrote for `url`, else null. */
function validMeta(json: unknown, url: string): PartialMeta | null {
  const m = json as Partial<PartialMeta> | null;
  if (!m || m.version !== 1 || m.url !== url) return null;
  if (!Array.isArray(m.parts) || !m.parts.every((n) => Number.isSafeInteger(n) && n > 0)) return null;
  if (m.total !== null && !(Number.isSafeInteger(m.total) && m.total! >= 0)) return null;
  const done = m.parts.reduce((a, b) => a + b, 0);
  if (m.total !== null && done >= m.total!) return null;
  return {
    version: 1,
    url,
    total: m.total ?? null,
    etag: typeof m.etag === 'string' ? m.etag : null,
    lastModified: typeof m.lastModified === 'string' ? m.lastModified : null,
    sha256: typeof m.sha256 === 'string' ? m.sha256 : null,
    parts: m.parts,
    hashState: typeof m.hashState === 'string' ? m.hashState : null,
    updatedAt: typeof m.updatedAt === 'number' ? m.updatedAt : 0,
  };
}

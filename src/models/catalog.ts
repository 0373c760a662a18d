/** A model the app offers out of the box: the official checkpoint, converted on first use. */
export interface CatalogEntry {
  id: string;
  name: string;
  description: string;
  checkpointUrl: string;
  /** The published size in bytes: a download outside checkpointSize ± sizeTolerance is rejected. */
  checkpointSize: number;
  /** 0 for an exact size; the official files are published rounded ("599 MB"), so half a unit. */
  sizeTolerance: number;
  /** SHA-256 of the checkpoint where known (hex); a mismatch is rejected. */
  checkpointSha256: string | null;
  mergesUrl: string;
  mergesSize: number | null;
}

const MERGES_URL = 'https://raw.githubusercontent.com/beichenzbc/Long-CLIP/main/model/bpe_simple_vocab_16e6.txt.gz';

export const BUILTIN_MODELS: CatalogEntry[] = [
  {
    id: 'longclip-b',
    name: 'LongCLIP-B',
    description: 'ViT-B/16, 248 tokens. 599 MB download; about 300 MB stored as float16.',
    checkpointUrl: 'https://huggingface.co/BeichenZhang/LongCLIP-B/resolve/main/longclip-B.pt',
    checkpointSize: 599_000_000,
    sizeTolerance: 500_000,
    checkpointSha256: null,
    mergesUrl: MERGES_URL,
    mergesSize: 1_356_917,
  },
  {
    id: 'longclip-l',
    name: 'LongCLIP-L',
    description: 'ViT-L/14, 248 tokens. 1.71 GB download; about 860 MB stored as float16. Needs a strong GPU.',
    checkpointUrl: 'https://huggingface.co/BeichenZhang/LongCLIP-L/resolve/main/longclip-L.pt',
    checkpointSize: 1_710_000_000,
    sizeTolerance: 5_000_000,
    checkpointSha256: null,
    mergesUrl: MERGES_URL,
    mergesSize: 1_356_917,
  },
];

/**
 * The catalog in use. `?catalog=<url of a JSON array of entries>` replaces it and
 * `?modelBase=<url>` serves the built-in files from another host (self-hosting, tests).
 */
export async function loadCatalog(search: string, fetchImpl: typeof fetch = fetch): Promise<CatalogEntry[]> {
  const params = new URLSearchParams(search);
  const catalogUrl = params.get('catalog');
  let entries = BUILTIN_MODELS;
  if (catalogUrl) {
    const res = await fetchImpl(catalogUrl);
    if (!res.ok) throw new Error(`model catalog ${catalogUrl}: HTTP ${res.status}`);
    entries = parseCatalog(await res.json(), catalogUrl);
  }
  const base = params.get('modelBase');
  if (!base) return entries;
  const rebase = (url: string) => new URL(url.split('/').pop()!, base.endsWith('/') ? base : `${base}/`).href;
  return entries.map((e) => ({ ...e, checkpointUrl: rebase(e.checkpointUrl), mergesUrl: rebase(e.mergesUrl) }));
}

export function parseCatalog(json: unknown, where: string): CatalogEntry[] {
  if (!Array.isArray(json)) throw new Error(`${where}: expected a JSON array of models`);
  return json.map((e: Partial<CatalogEntry>, i) => {
    for (const k of ['id', 'name', 'checkpointUrl', 'mergesUrl'] as const) {
      if (typeof e[k] !== 'string') throw new Error(`${where}: entry ${i} has no ${k}`);
    }
    if (typeof e.checkpointSize !== 'number') throw new Error(`${where}: entry ${i} has no checkpointSize`);
    return { description: '', checkpointSha256: null, mergesSize: null, sizeTolerance: 0, ...e } as CatalogEntry;
  });
}

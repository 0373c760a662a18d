// A model bundle's files wherever they live (a URL, a folder, Blobs): its manifest, and checked reads.
import { BUNDLE_FILES, BundleError, parseManifest, type BundleManifest } from './manifest';

/** Read access to the files of a bundle, wherever they live (URL, disk, browser storage). */
export interface BundleFiles {
  /** Where the bundle is, for messages. */
  readonly location: string;
  read(path: string): Promise<Uint8Array>;
}

export async function readManifest(files: BundleFiles): Promise<BundleManifest> {
  const bytes = await files.read(BUNDLE_FILES.manifest);
  let json: unknown;
  try {
    json = JSON.parse(new TextDecoder().decode(bytes));
  } catch {
    throw new BundleError(`${files.location}/${BUNDLE_FILES.manifest} is not valid JSON`);
  }
  return parseManifest(json, `${files.location}/${BUNDLE_FILES.manifest}`);
}

/** Reads one bundle file and checks its size against the manifest. */
export async function readChecked(files: BundleFiles, info: { path: string; size: number }): Promise<Uint8Array> {
  const bytes = await files.read(info.path);
  if (bytes.byteLength !== info.size) {
    throw new BundleError(`${files.location}/${info.path}: ${bytes.byteLength} bytes, the manifest says ${info.size} (incomplete or wrong file)`);
  }
  return bytes;
}

/** A bundle served over HTTP(S) (e.g. public/models/<name>/). */
export function urlBundleFiles(baseUrl: string, fetchImpl: typeof fetch = fetch): BundleFiles {
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return {
    location: base.replace(/\/$/, ''),
    async read(path) {
      const res = await fetchImpl(new URL(path, base));
      if (!res.ok) throw new BundleError(`${base}${path}: HTTP ${res.status}`);
      return new Uint8Array(await res.arrayBuffer());
    },
  };
}

/** A bundle held as Blobs/Files by name (an in-browser conversion, or files picked from disk). */
export function blobBundleFiles(files: ReadonlyMap<string, Blob>, location = 'bundle'): BundleFiles {
  return {
    location,
    async read(path) {
      const blob = files.get(path);
      if (!blob) throw new BundleError(`${location}: ${path} is missing`);
      return new Uint8Array(await blob.arrayBuffer());
    },
  };
}

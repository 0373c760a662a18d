// `--shard k/n`: which files of a folder one of n machines indexes. A file's share follows from its
// path below the folder alone (FNV-1a), so every machine agrees without reading the others' files,
// and the shares are disjoint and cover the folder.
import { UsageError } from './args';

export interface Shard {
  /** 1-based: the first shard is 1/n, as Kubernetes' JOB_COMPLETION_INDEX 0 is `--shard 1/n`. */
  k: number;
  n: number;
}

/** "2/3" -> { k: 2, n: 3 }. */
export function parseShard(text: string): Shard {
  const m = /^(\d+)\/(\d+)$/.exec(text.trim());
  const k = m ? Number(m[1]) : NaN;
  const n = m ? Number(m[2]) : NaN;
  if (!(n >= 1 && n <= 10_000 && k >= 1 && k <= n)) throw new UsageError(`--shard takes k/n with 1 <= k <= n (for example 2/3), not ${text}`);
  return { k, n };
}

/** Whether the file at `relativePath` (below the folder, with `/`) belongs to the shard. */
export function inShard(relativePath: string, shard: Shard): boolean {
  let h = 0x811c9dc5;
  for (const byte of new TextEncoder().encode(relativePath)) {
    h ^= byte;
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h % shard.n === shard.k - 1;
}

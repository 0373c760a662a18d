// Views of collections that grow in place: each change gives a new view object (so React and
// zustand see a change) over the same collection, never a copy of a 300k-entry set or map.
// An older view sees later growth too; that is fine for what the page asks of them.
import type { FileRecord } from '../library/schema';

/** The photos (hashes) embedded under the loaded model. */
export class HashSetView {
  constructor(private readonly hashes: Set<string> = new Set()) {}

  has(hash: string): boolean {
    return this.hashes.has(hash);
  }

  get size(): number {
    return this.hashes.size;
  }

  /** A new view with these hashes added (to the same set). */
  grown(more: Iterable<string>): HashSetView {
    for (const h of more) this.hashes.add(h);
    return new HashSetView(this.hashes);
  }
}

/** The library's files grouped by photo (content hash). */
export class FilesByHashView {
  constructor(readonly map: Map<string, FileRecord[]> = new Map()) {}

  get(hash: string): readonly FileRecord[] | undefined {
    return this.map.get(hash);
  }

  /** A new view after the map was changed in place. */
  changed(): FilesByHashView {
    return new FilesByHashView(this.map);
  }
}

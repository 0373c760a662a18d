// Test helpers: write and read embeddings as the library stores them (vector-blocks.ts).
import type { LibraryDb } from '../db';
import { appendVectors } from '../vector-blocks';

/** Appends these photos' vectors under the model, in one transaction. */
export async function putVectors(db: LibraryDb, model: string, items: { hash: string; vector: Float32Array }[]): Promise<void> {
  if (!items.length) return;
  const tx = db.transaction(['vectors', 'embeddings'], 'readwrite');
  await appendVectors({ vectors: tx.objectStore('vectors'), embeddings: tx.objectStore('embeddings') }, model, items, items[0]!.vector.length);
  await tx.done;
}

/** Stores one photo's vector as a block of its own, as it is (tests of damaged data: any length, any type). */
export async function putVectorRow(db: LibraryDb, model: string, hash: string, vector: Float32Array): Promise<void> {
  const tx = db.transaction(['vectors', 'embeddings'], 'readwrite');
  const last = await tx.objectStore('vectors').openCursor(IDBKeyRange.bound([model, -Infinity], [model, Infinity]), 'prev');
  const block = (last?.value.block ?? -1) + 1;
  await tx.objectStore('vectors').put({ model, block, hashes: [hash], vectors: vector });
  await tx.objectStore('embeddings').put({ model, hash, block });
  await tx.done;
}

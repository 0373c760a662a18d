// Embeddings as stored (v3): each model's unit vectors packed in blocks of up to BLOCK_ROWS rows
// (`vectors`), so a 300k library loads at start-up in a few hundred reads instead of 300k, and
// one small record per photo and model (`embeddings`: which block holds it) for the questions
// asked of one photo. Both are written in the caller's transaction, always together.
import type { IDBPObjectStore, StoreNames } from 'idb';
import type { LibraryDb } from './db';
import { quiet } from './queue';
import type { LibrarySchema } from './schema';

/** Rows per block: a full block is 512 KiB at 512 dims, the most an append rewrites. */
export const BLOCK_ROWS = 256;

type Store<N extends StoreNames<LibrarySchema>> = IDBPObjectStore<LibrarySchema, ArrayLike<StoreNames<LibrarySchema>>, N, 'readwrite' | 'versionchange'>;

/** The two stores in a readwrite (or upgrade) transaction. */
export interface VectorStores {
  vectors: Store<'vectors'>;
  embeddings: Store<'embeddings'>;
}

export interface StoredVector {
  hash: string;
  vector: Float32Array;
}

/** The key range of one model's blocks. */
export function modelBlocks(model: string): IDBKeyRange {
  return IDBKeyRange.bound([model, -Infinity], [model, Infinity]);
}

/**
 * Appends vectors of one model (photos it has no vector for yet: the caller checked) to its last
 * block while that has room, then to new blocks; each photo's `embeddings` record names its block.
 */
export async function appendVectors(stores: VectorStores, model: string, items: readonly StoredVector[], dim: number): Promise<void> {
  if (!items.length) return;
  const last = await stores.vectors.openCursor(modelBlocks(model), 'prev');
  let block = last?.value ?? null;
  let next = 0;
  if (block && block.hashes.length >= BLOCK_ROWS) block = null;
  const lastNumber = last?.value.block ?? -1;
  let number = block ? block.block : lastNumber + 1;
  while (next < items.length) {
    const held = block?.hashes.length ?? 0;
    const take = Math.min(BLOCK_ROWS - held, items.length - next);
    const vectors = new Float32Array((held + take) * dim);
    if (block) vectors.set(block.vectors.subarray(0, held * dim));
    const hashes = block ? block.hashes.slice() : [];
    for (let i = 0; i < take; i++) {
      const item = items[next + i]!;
      vectors.set(item.vector, (held + i) * dim);
      hashes.push(item.hash);
      quiet(stores.embeddings.put({ model, hash: item.hash, block: number }));
    }
    quiet(stores.vectors.put({ model, block: number, hashes, vectors }));
    next += take;
    block = null;
    number++;
  }
}

/**
 * Removes some photos' vectors of one model (the integrity check's repairs): their rows leave
 * their blocks (a block left empty is deleted) and their `embeddings` records go.
 */
export async function removeVectors(stores: VectorStores, model: string, hashes: Iterable<string>): Promise<void> {
  const byBlock = new Map<number, Set<string>>();
  for (const hash of hashes) {
    const record = await stores.embeddings.get([model, hash]);
    quiet(stores.embeddings.delete([model, hash]));
    if (!record) continue;
    const set = byBlock.get(record.block) ?? new Set<string>();
    set.add(hash);
    byBlock.set(record.block, set);
  }
  for (const [number, gone] of byBlock) {
    const block = await stores.vectors.get([model, number]);
    if (!block) continue;
    const dim = block.hashes.length ? block.vectors.length / block.hashes.length : 0;
    const keep = block.hashes.flatMap((h, i) => (gone.has(h) ? [] : [i]));
    if (!keep.length) {
      quiet(stores.vectors.delete([model, number]));
      continue;
    }
    const vectors = new Float32Array(keep.length * dim);
    keep.forEach((row, i) => vectors.set(block.vectors.subarray(row * dim, (row + 1) * dim), i * dim));
    quiet(stores.vectors.put({ model, block: number, hashes: keep.map((i) => block.hashes[i]!), vectors }));
  }
}

/** Blocks read per request while loading: 32 blocks are 8192 photos, 16 MiB at 512 dims. */
const READ_BLOCKS = 32;

/**
 * Every vector of one model, block by block in storage order (a few reads of many blocks each,
 * so a large library is never held twice; the next read is asked for while `onRows` works on
 * this one). `onRows` gets each block's hashes and packed rows.
 */
export async function readVectors(
  db: LibraryDb,
  model: string,
  onRows: (hashes: readonly string[], vectors: Float32Array, block: number) => void,
): Promise<void> {
  const read = (from: number) => db.getAll('vectors', IDBKeyRange.bound([model, from], [model, Infinity], from !== -Infinity), READ_BLOCKS);
  let next = read(-Infinity);
  for (;;) {
    const blocks = await next;
    if (blocks.length === READ_BLOCKS) next = read(blocks[blocks.length - 1]!.block);
    for (const b of blocks) onRows(b.hashes, b.vectors, b.block);
    if (blocks.length < READ_BLOCKS) return;
  }
}

/** How many blocks of vectors the model has (each holds up to BLOCK_ROWS). */
export function countBlocks(db: LibraryDb, model: string): Promise<number> {
  return db.count('vectors', modelBlocks(model));
}

/** One photo's vector under the model, or null. */
export async function readVector(db: LibraryDb, model: string, hash: string): Promise<Float32Array | null> {
  const tx = db.transaction(['embeddings', 'vectors'], 'readonly');
  const record = await tx.objectStore('embeddings').get([model, hash]);
  const block = record ? await tx.objectStore('vectors').get([model, record.block]) : undefined;
  await tx.done;
  const row = block ? block.hashes.indexOf(hash) : -1;
  if (!block || row < 0) return null;
  const dim = block.vectors.length / block.hashes.length;
  return block.vectors.slice(row * dim, (row + 1) * dim);
}

// Reading a whole store of a large library a chunk at a time: one getAll of 300k records holds
// IndexedDB's backend for seconds, and the worker's reads (the model, the vectors) wait behind it.

/** Records read per request. */
export const READ_CHUNK = 16_384;

/** Every record of a store (with a key path: `keyOf` gives a record's key), read a chunk at a time in key order. */
export async function readInChunks<T>(
  store: { getAll(query?: IDBKeyRange | null, count?: number): Promise<T[]> },
  keyOf: (record: T) => IDBValidKey,
  chunk = READ_CHUNK,
): Promise<T[]> {
  const out: T[] = [];
  let after: IDBValidKey | null = null;
  for (;;) {
    const records = await store.getAll(after === null ? null : IDBKeyRange.lowerBound(after, true), chunk);
    for (const r of records) out.push(r);
    if (records.length < chunk) return out;
    after = keyOf(records[records.length - 1]!);
  }
}

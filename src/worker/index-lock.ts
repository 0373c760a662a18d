// One tab indexes at a time: the others wait for a Web Lock, and the next one takes over the
// queue when the indexing tab closes.
const INDEX_LOCK = 'longclip-search:indexing';

/** Runs `task` holding the indexing lock; `onWait` is called when another tab holds it. Without Web Locks, runs at once. */
export async function withIndexLock(locks: LockManager | undefined, signal: AbortSignal, onWait: () => void, task: () => Promise<void>): Promise<void> {
  if (!locks) return task();
  const got = await locks.request(INDEX_LOCK, { ifAvailable: true }, async (lock) => {
    if (!lock) return false;
    await task();
    return true;
  });
  if (got) return;
  onWait();
  await locks.request(INDEX_LOCK, { signal }, task);
}

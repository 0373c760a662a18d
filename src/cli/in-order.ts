// Work on several items at once, handed on in their order: the CLI reads and decodes photos ahead
// (sharp decodes on its own threads) while the encoder runs, and embeds them in folder order.

export type Settled<T, R> = { item: T; value: R } | { item: T; error: unknown };

/** Runs `work` on up to `concurrency` items at a time and yields each outcome in the items' order. */
export async function* inOrder<T, R>(items: readonly T[], concurrency: number, work: (item: T) => Promise<R>): AsyncGenerator<Settled<T, R>> {
  const ahead: Promise<Settled<T, R>>[] = [];
  let next = 0;
  const fill = () => {
    while (ahead.length < Math.max(1, concurrency) && next < items.length) {
      const item = items[next++]!;
      ahead.push(
        work(item).then(
          (value) => ({ item, value }),
          (error: unknown) => ({ item, error }),
        ),
      );
    }
  };
  fill();
  while (ahead.length) {
    const outcome = await ahead.shift()!;
    fill();
    yield outcome;
  }
}

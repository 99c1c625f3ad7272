/**
 * Runs `work` over `items` with at most `concurrency` at once, in order of starting. Stops starting
 * new items once `shouldStop()` is true (the caller checkpoints and continues later) and reports
 * whether every item ran. The first failure stops the pool and is thrown.
 */
export async function forEachConcurrent<T>(
  items: readonly T[],
  concurrency: number,
  work: (item: T) => Promise<void>,
  shouldStop: () => boolean = () => false,
): Promise<'complete' | 'stopped'> {
  let next = 0;
  let failure: unknown;
  const worker = async () => {
    while (failure === undefined && next < items.length && !shouldStop()) {
      const item = items[next++] as T;
      try {
        await work(item);
      } catch (error) {
        failure ??= error;
      }
    }
  };
  await Promise.all(Array.from({ length: Math.min(concurrency, Math.max(1, items.length)) }, worker));
  if (failure !== undefined) throw failure;
  return next >= items.length ? 'complete' : 'stopped';
}

/**
 * Runs `worker` over `items` with at most `concurrency` in flight. Before starting each item
 * it asks `mayStart()`; once that says no, the remaining items are returned as not started
 * (the scan uses it to stop starting work when the invocation's time runs low).
 * Worker errors are the worker's to handle: a rejection here is a bug and propagates.
 */
export async function runBounded<T, R>(
  items: readonly T[],
  concurrency: number,
  mayStart: () => boolean,
  worker: (item: T) => Promise<R>,
): Promise<{ results: R[]; notStarted: T[] }> {
  const results: R[] = [];
  const notStarted: T[] = [];
  let next = 0;
  let stopped = false;
  async function lane(): Promise<void> {
    while (next < items.length) {
      const item = items[next++]!;
      if (stopped || !mayStart()) {
        stopped = true;
        notStarted.push(item);
        continue;
      }
      results.push(await worker(item));
    }
  }
  await Promise.all(Array.from({ length: Math.max(1, Math.min(concurrency, items.length)) }, lane));
  return { results, notStarted };
}

/**
 * Bounded concurrency for the walks that read a workspace's files (the CLI's src/cli/walk.ts and the editor's
 * src/extension/workspace-index.ts): `fn` over a list with at most `limit` calls in flight, in list order.
 */

/** Runs `fn` over `items` with at most `limit` calls in flight. */
export async function forEachLimited<T>(items: readonly T[], limit: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await fn(items[next++]);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

import { setTimeout as sleep } from 'node:timers/promises';

/** What a batched prune did: rows deleted, batches, and the longest a batch held its locks (ms). */
export interface BatchedPruneResult {
  deleted: number;
  batches: number;
  longestBatchMs: number;
}

/**
 * Runs `deleteBatch` (which deletes at most `batchSize` of the oldest rows to prune and returns
 * how many it deleted) until a batch comes back short, pausing `pauseMs` between batches and
 * timing each: the loop both stores' `pruneCalls` share, each with its own DELETE.
 */
export async function pruneInBatches(
  { deleteBatch, batchSize, pauseMs }: { deleteBatch: () => number | Promise<number>; batchSize: number; pauseMs: number },
): Promise<BatchedPruneResult> {
  const result: BatchedPruneResult = { deleted: 0, batches: 0, longestBatchMs: 0 };
  for (;;) {
    const t0 = performance.now();
    const changes = await deleteBatch();
    result.longestBatchMs = Math.max(result.longestBatchMs, performance.now() - t0);
    if (changes === 0) break;
    result.deleted += changes;
    result.batches += 1;
    if (changes < batchSize) break;
    await sleep(pauseMs);
  }
  return result;
}

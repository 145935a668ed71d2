import type { LedgerPruneOptions, LedgerPruneResult } from '../open-ledger.js';
import type { PostgresLedger } from './postgres-ledger.js';
import { pruneInBatches } from '../prune-in-batches.js';

/**
 * Deletes the calls that started before `before`, oldest first, `batchSize` rows per
 * transaction with a pause between batches. A batch locks only the rows it deletes (found
 * through the `started_at` index; `SKIP LOCKED` passes over any another prune holds): the
 * proxies' inserts of new calls never wait for it.
 */
export async function prunePgCalls(ledger: PostgresLedger, { before, batchSize = 1000, pauseMs = 25, dryRun = false }: LedgerPruneOptions): Promise<LedgerPruneResult> {
  if (dryRun) {
    const { rows } = await ledger.query<{ count: number }>('counting calls to prune', 'SELECT COUNT(*) AS count FROM llm_calls WHERE started_at < $1', [before]);
    return { deleted: rows[0]!.count, batches: 0, longestBatchMs: 0 };
  }
  return pruneInBatches({
    batchSize,
    pauseMs,
    deleteBatch: async () => (await ledger.query('pruning calls', `DELETE FROM llm_calls WHERE id IN (
      SELECT id FROM llm_calls WHERE started_at < $1 ORDER BY started_at LIMIT $2 FOR UPDATE SKIP LOCKED)`, [before, batchSize])).rowCount ?? 0,
  });
}

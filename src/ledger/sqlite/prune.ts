import type { Database } from 'better-sqlite3';
import { pruneInBatches } from '../prune-in-batches.js';

/** Options of {@link pruneCalls}. */
export interface PruneCallsOptions {
  db: Database;
  /** Calls that started before this instant (ms since the epoch) are deleted. */
  before: number;
  /** Rows deleted per transaction. Default 1000. */
  batchSize?: number;
  /**
   * Pause between two batches, ms. Default 25: longer than the first waits of SQLite's busy
   * handler (1, 2, 5, 10, 15, 20, 25 ms), so a writer of another process that found the lock
   * taken gets it in the next pause.
   */
  pauseMs?: number;
  /** Count what would be deleted, delete nothing. Default false. */
  dryRun?: boolean;
}

/** What {@link pruneCalls} did. */
export interface PruneResult {
  /** Calls deleted (or, in a dry run, that would be). */
  deleted: number;
  batches: number;
  /** The longest a batch held the write lock, ms. */
  longestBatchMs: number;
}

/**
 * Deletes the LLM calls that started before `before`, oldest first, `batchSize` rows per
 * transaction with a pause between batches, so that the proxy and other writers never wait
 * for more than one small batch. Ticket events are kept: see the README ("Retention").
 *
 * @example
 * await pruneCalls({ db: ledger.db, before: Date.now() - 400 * 86_400_000 });
 */
export async function pruneCalls({ db, before, batchSize = 1000, pauseMs = 25, dryRun = false }: PruneCallsOptions): Promise<PruneResult> {
  if (dryRun) {
    const count = db.prepare('SELECT COUNT(*) FROM llm_calls WHERE started_at < ?').pluck().get(before) as number;
    return { deleted: count, batches: 0, longestBatchMs: 0 };
  }
  // The subquery walks the started_at index: each batch finds its rows without a scan.
  const batch = db.prepare(
    'DELETE FROM llm_calls WHERE rowid IN (SELECT rowid FROM llm_calls WHERE started_at < ? ORDER BY started_at LIMIT ?)',
  );
  return pruneInBatches({ batchSize, pauseMs, deleteBatch: () => batch.run(before, batchSize).changes });
}

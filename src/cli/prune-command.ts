import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { openCommandLedger, requireLedger } from './command-ledger.js';
import { DB_OPTION_HELP, ledgerPathOf } from './ledger-path.js';

const DAY_MS = 86_400_000;

function positiveInteger(value: string, option: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new ValidationError(`${option} must be an integer >= 1; got "${value}".`, { field: option });
  return n;
}

/**
 * Adds `cpr-meter prune --older-than-days N`: deletes the LLM calls older than N days in small
 * batches, so that a running proxy is never held up for long (SQLite: one short write lock per
 * batch; PostgreSQL: a batch locks only the rows it deletes, and the proxies' inserts never wait
 * for it). Ticket events are kept.
 */
export function registerPruneCommand(program: Command, { openLedger }: { openLedger: (db: string) => Promise<Ledger> }): void {
  program
    .command('prune')
    .description('Delete LLM calls older than N days, in small batches (ticket events are kept)')
    .requiredOption('--older-than-days <n>', 'delete calls that started more than N days ago (integer >= 1)')
    .option('--db <ledger>', DB_OPTION_HELP)
    .option('--batch-size <n>', 'rows deleted per transaction (integer >= 1, default 1000)')
    .option('--dry-run', 'count what would be deleted, delete nothing')
    .action(async (options: { olderThanDays: string; db?: string; batchSize?: string; dryRun?: boolean }) => {
      const days = positiveInteger(options.olderThanDays, '--older-than-days');
      const batchSize = options.batchSize === undefined ? 1000 : positiveInteger(options.batchSize, '--batch-size');
      const before = Date.now() - days * DAY_MS;
      const path = ledgerPathOf(options.db, process.env);
      requireLedger(path);
      const ledger = await openCommandLedger(path, openLedger);
      try {
        const result = await ledger.pruneCalls({ before, batchSize, dryRun: options.dryRun === true });
        const cutoff = new Date(before).toISOString();
        process.stdout.write(options.dryRun
          ? `would delete ${result.deleted} LLM calls that started before ${cutoff}\n`
          : `deleted ${result.deleted} LLM calls that started before ${cutoff}, in ${result.batches} batches (longest ${result.longestBatchMs.toFixed(1)} ms); ticket events kept\n`);
      } finally {
        await ledger.close();
      }
    });
}

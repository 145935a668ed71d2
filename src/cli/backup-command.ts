import type { Command } from 'commander';
import { backupLedger } from '../ledger/sqlite/backup.js';
import { DEFAULT_DB_PATH, ledgerPathOf, requireLedgerFile } from './ledger-path.js';

/**
 * Adds `cpr-meter backup FILE`: a consistent copy of the ledger, safe while `cpr-meter serve`
 * writes to it (SQLite's online backup), checked and written to a new file.
 */
export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('Copy the ledger to FILE, consistently, even while cpr-meter serve is writing to it')
    .argument('<file>', 'the copy to write (must not exist)')
    .option('--db <file>', `SQLite ledger file (env CPR_DB, default ${DEFAULT_DB_PATH})`)
    .action(async (file: string, options: { db?: string }) => {
      const source = ledgerPathOf(options.db, process.env);
      requireLedgerFile(source);
      const result = await backupLedger({ source, destination: file });
      process.stdout.write(`backed up ${source} to ${result.destination}: ${result.calls} LLM calls, ${result.events} events, ${result.bytes} bytes, integrity ok\n`);
    });
}

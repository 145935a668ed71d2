import type { Command } from 'commander';
import { ValidationError } from '../errors.js';
import { backupLedger } from '../ledger/sqlite/backup.js';
import { DB_OPTION_HELP, ledgerPathOf, requireLedgerFile } from './ledger-path.js';
import { isPostgresUrl, urlWithoutPassword } from './ledger-target.js';

/**
 * Adds `cpr-meter backup FILE`: a consistent copy of the ledger, safe while `cpr-meter serve`
 * writes to it (SQLite's online backup), checked and written to a new file. A PostgreSQL ledger
 * is backed up with PostgreSQL's own `pg_dump`: the command says so, with the line to run.
 */
export function registerBackupCommand(program: Command): void {
  program
    .command('backup')
    .description('Copy the ledger to FILE, consistently, even while cpr-meter serve is writing to it (SQLite; PostgreSQL: pg_dump)')
    .argument('<file>', 'the copy to write (must not exist)')
    .option('--db <ledger>', DB_OPTION_HELP)
    .action(async (file: string, options: { db?: string }) => {
      const source = ledgerPathOf(options.db, process.env);
      if (isPostgresUrl(source)) {
        throw new ValidationError(`A PostgreSQL ledger is backed up with pg_dump, not cpr-meter backup (which copies SQLite files): `
          + `pg_dump --format=custom --file=${file} '${urlWithoutPassword(source)}' (the password from PGPASSWORD or ~/.pgpass).`, { field: '--db' });
      }
      requireLedgerFile(source);
      const result = await backupLedger({ source, destination: file });
      process.stdout.write(`backed up ${source} to ${result.destination}: ${result.calls} LLM calls, ${result.events} events, ${result.bytes} bytes, integrity ok\n`);
    });
}

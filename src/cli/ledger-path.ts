import { statSync } from 'node:fs';
import { LedgerError } from '../errors.js';
import { checkLedgerFile } from '../ledger/sqlite/check-ledger-file.js';

/** Default ledger file when neither `--db` nor `CPR_DB` is given. */
export const DEFAULT_DB_PATH = './cpr-meter.db';

/** How every command's `--db` reads in its help. */
export const DB_OPTION_HELP = `SQLite ledger file or PostgreSQL URL, postgres://user:password@host/db (env CPR_DB, default ${DEFAULT_DB_PATH})`;

/** The ledger a command works on: `--db`, then `CPR_DB` (when not empty), then `./cpr-meter.db`. */
export function ledgerPathOf(option: string | undefined, env: Record<string, string | undefined>): string {
  if (option !== undefined && option !== '') return option;
  const fromEnv = env.CPR_DB;
  return fromEnv !== undefined && fromEnv !== '' ? fromEnv : DEFAULT_DB_PATH;
}

/**
 * Throws a `LedgerError` (`LEDGER_NOT_FOUND`) naming the path when no ledger file is there, or
 * (`LEDGER_NOT_A_LEDGER`) when the file is another application's database.
 * Commands that read or change an existing ledger (`report`, `reprice`, `prune`, `backup`) call
 * it first: opening a mistyped path would create a new, empty ledger and report zeros from it.
 */
export function requireLedgerFile(path: string): void {
  if (path === ':memory:') return;
  let isFile: boolean;
  try {
    isFile = statSync(path).isFile();
  } catch {
    throw new LedgerError(
      `No ledger at ${path}: the file does not exist. Check --db (or CPR_DB); \`cpr-meter serve\` creates the ledger it writes to.`,
      { path, code: 'LEDGER_NOT_FOUND' },
    );
  }
  if (!isFile) throw new LedgerError(`${path} is not a ledger file (it is a directory or a device). Give the ledger's file with --db (or CPR_DB).`, { path, code: 'LEDGER_NOT_FOUND' });
  checkLedgerFile(path);
}

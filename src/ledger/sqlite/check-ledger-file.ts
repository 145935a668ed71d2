import BetterSqlite3 from 'better-sqlite3';
import { LedgerError } from '../../errors.js';

/**
 * Checks that an existing file is a cpr-meter ledger, or an empty database one can become, before
 * anything is written to it: migrations applied to another application's database would add
 * cpr-meter's tables to it. Throws a `LedgerError` (`LEDGER_NOT_A_LEDGER`) naming the path when it
 * is not a SQLite database, or is one with tables and none of cpr-meter's.
 */
export function checkLedgerFile(path: string): void {
  let tables: string[];
  try {
    const db = new BetterSqlite3(path, { readonly: true, fileMustExist: true });
    try {
      tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name").pluck().all() as string[];
    } finally {
      db.close();
    }
  } catch (cause) {
    if ((cause as { code?: string }).code !== 'SQLITE_NOTADB') throw new LedgerError(`Cannot open the ledger at ${path}: ${(cause as Error).message}`, { cause, path });
    throw new LedgerError(`${path} is not a SQLite database, so not a cpr-meter ledger. Check --db (or CPR_DB).`, { cause, path, code: 'LEDGER_NOT_A_LEDGER' });
  }
  if (tables.length > 0 && !tables.includes('schema_migrations')) {
    const shown = tables.slice(0, 3).join(', ') + (tables.length > 3 ? `, ... (${tables.length} tables)` : '');
    throw new LedgerError(
      `${path} is a SQLite database but not a cpr-meter ledger (it holds ${shown}); nothing was written to it. Check --db (or CPR_DB).`,
      { path, code: 'LEDGER_NOT_A_LEDGER' },
    );
  }
}

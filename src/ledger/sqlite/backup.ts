import BetterSqlite3 from 'better-sqlite3';
import { existsSync, rmSync, statSync } from 'node:fs';
import { LedgerError, ValidationError } from '../../errors.js';

/** Options of {@link backupLedger}. */
export interface BackupLedgerOptions {
  /** The ledger to copy; it may be in use by a running `cpr-meter serve`. */
  source: string;
  /** The file to write. It must not exist: a backup never overwrites. */
  destination: string;
  /** How long to wait for another connection's lock, ms. Default 5000. */
  busyTimeoutMs?: number;
}

/** What {@link backupLedger} wrote, read back from the copy. */
export interface BackupResult {
  destination: string;
  bytes: number;
  /** Rows of `llm_calls` in the copy. */
  calls: number;
  /** Rows of `events` in the copy. */
  events: number;
}

/** Rows of a table, or 0 when the copy has no such table (a ledger older than its migration). */
function countRows(db: BetterSqlite3.Database, table: 'llm_calls' | 'events'): number {
  const exists = db.prepare("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = ?").get(table);
  return exists ? (db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get() as number) : 0;
}

/**
 * Copies a live ledger with SQLite's online backup API: the copy is one consistent snapshot,
 * taken while the proxy goes on writing (in WAL mode a reader never blocks the writer). The
 * pages are copied in ONE step, so writes made meanwhile cannot restart the copy over and over.
 * The copy is checked (`PRAGMA integrity_check`) and left as a single self-contained file
 * (rollback journal, no `-wal` beside it). On failure the partial copy is removed.
 *
 * @example
 * const { calls } = await backupLedger({ source: './cpr-meter.db', destination: './backups/cpr-2026-11-21.db' });
 */
export async function backupLedger({ source, destination, busyTimeoutMs = 5000 }: BackupLedgerOptions): Promise<BackupResult> {
  if (existsSync(destination)) {
    throw new ValidationError(`${destination} already exists: a backup never overwrites; choose a new file name.`, { field: 'file' });
  }
  let db: BetterSqlite3.Database;
  try {
    db = new BetterSqlite3(source, { fileMustExist: true });
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
  } catch (cause) {
    throw new LedgerError(`Cannot open the ledger at ${source}: ${(cause as Error).message}`, { cause, path: source });
  }
  try {
    // better-sqlite3 steps 0 pages first (to learn the size), then as many as the callback says.
    await db.backup(destination, { progress: () => 0x7fffffff });
  } catch (cause) {
    rmSync(destination, { force: true });
    throw new LedgerError(`The backup of ${source} to ${destination} failed: ${(cause as Error).message}`, { cause, path: source });
  } finally {
    db.close();
  }
  const copy = new BetterSqlite3(destination, { fileMustExist: true });
  let counts: { calls: number; events: number };
  try {
    const check = copy.pragma('integrity_check', { simple: true });
    if (check !== 'ok') throw new Error(String(check));
    copy.pragma('journal_mode = DELETE');
    counts = { calls: countRows(copy, 'llm_calls'), events: countRows(copy, 'events') };
  } catch (cause) {
    copy.close();
    rmSync(destination, { force: true });
    throw new LedgerError(`The backup of ${source} failed its check and was removed: ${(cause as Error).message}`, { cause, path: destination });
  }
  copy.close();
  return { destination, bytes: statSync(destination).size, ...counts };
}

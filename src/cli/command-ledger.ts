import { CprError, LedgerError } from '../errors.js';
import type { CallLedger } from '../ledger/ledger.js';
import type { SettingsLedger } from '../ledger/settings.js';
import type { TicketLedger } from '../ledger/ticket-ledger.js';
import { describeDb, isPostgresUrl, redactPassword } from './ledger-target.js';
import { requireLedgerFile } from './ledger-path.js';

/** What the commands use of a ledger, whichever store holds it. */
export type CommandLedger = CallLedger & TicketLedger & SettingsLedger;

/**
 * Throws, for a SQLite path, when no ledger file is there or the file is not a ledger
 * ({@link requireLedgerFile}). A PostgreSQL URL passes: whether its database answers is known
 * only when it is opened (see {@link postgresOpenError}).
 */
export function requireLedger(db: string): void {
  if (!isPostgresUrl(db)) requireLedgerFile(db);
}

/** The text of a driver's error: Node's connection errors to several addresses have an empty message. */
function reasonOf(error: unknown): string {
  const e = error as (Error & { code?: string; errors?: unknown[] }) | null;
  if (e === null || typeof e !== 'object') return String(error);
  if (e.message) return e.message;
  const first = e.errors?.[0] as (Error & { code?: string }) | undefined;
  return first?.message || e.code || e.name || 'unknown error';
}

/**
 * The one line a command prints when a PostgreSQL ledger cannot be opened (the server is down,
 * the host unknown, the password wrong, the database missing): what failed, where, and what to
 * check, never the URL's password (nor the driver's stack).
 */
export function postgresOpenError(error: unknown, db: string): LedgerError {
  const where = describeDb(db);
  const reason = redactPassword(reasonOf(error), db).replace(/\s*\n\s*/g, ' ').replace(/\.$/, '');
  const what = error instanceof CprError && reason.includes(where) ? reason : `Cannot open the PostgreSQL ledger ${where}: ${reason}`;
  return new LedgerError(`${what}. Check --db (or CPR_DB), that the server is running and that it accepts this user.`,
    { path: where, code: 'LEDGER_UNREACHABLE' });
}

/**
 * Opens `db` with `open`, turning a failure to reach a PostgreSQL ledger into
 * {@link postgresOpenError}'s line. A SQLite path is opened as `open` does.
 */
export async function openCommandLedger<T>(db: string, open: (db: string) => Promise<T>): Promise<T> {
  if (!isPostgresUrl(db)) return open(db);
  try {
    return await open(db);
  } catch (error) {
    throw postgresOpenError(error, db);
  }
}

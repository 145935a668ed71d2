import type { CallLedger } from './ledger.js';
import type { LlmCall } from './types.js';
import type { CprEvent } from '../tickets/types.js';
import type { TicketLedger } from './ticket-ledger.js';
import type { TicketExplorer } from './ticket-explorer.js';
import type { LedgerSetting, SettingName, SettingsLedger } from './settings.js';
import type { Logger } from '../logging/logger.js';
import { isPostgresUrl } from './describe-db.js';
import type { StageMoveLedger } from './stage-moves.js';

export { describeDb, isPostgresUrl } from './describe-db.js';

/** Which store a {@link Ledger} keeps its rows in. */
export type LedgerKind = 'sqlite' | 'postgres';

/** Calls and the events written on their behalf (conversation links), stored in one transaction. */
export interface LedgerBatch {
  calls: readonly LlmCall[];
  events: readonly CprEvent[];
}

/** Options of {@link Ledger.pruneCalls}. */
export interface LedgerPruneOptions {
  /** Calls that started before this instant (ms since the epoch) are deleted. */
  before: number;
  /** Rows deleted per transaction. Default 1000. */
  batchSize?: number;
  /** Pause between two batches, ms. Default 25. */
  pauseMs?: number;
  /** Count what would be deleted, delete nothing. Default false. */
  dryRun?: boolean;
}

/** What {@link Ledger.pruneCalls} did. */
export interface LedgerPruneResult {
  /** Calls deleted (or, in a dry run, that would be). */
  deleted: number;
  batches: number;
  /** The longest a batch held its locks, ms. */
  longestBatchMs: number;
}

/**
 * The ledger's state as `/healthz` shows it: `ok`; `unreachable` (the store does not answer:
 * PostgreSQL down, a SQLite file that cannot be read); `file_missing` / `file_replaced` (a SQLite
 * file deleted or replaced under the running process). `error` says why, never with a password.
 */
export interface LedgerStatus {
  state: 'ok' | 'unreachable' | 'file_missing' | 'file_replaced';
  error?: string;
}

/**
 * The one contract every consumer of a ledger uses (`serve`, `createMeter`, every CLI command):
 * calls, events, settings, reports and the tickets behind them, whichever store keeps them.
 * Report logic never learns which store it reads; what only SQLite has (file checks, WAL
 * checkpoints, `backup`) stays on `SqliteLedger`, found through `kind`.
 */
export interface Ledger extends CallLedger, TicketLedger, SettingsLedger, TicketExplorer, StageMoveLedger {
  readonly kind: LedgerKind;
  /** The `db` it was opened on, for messages: a path, or a URL with its password replaced by `***`. */
  readonly description: string;
  /**
   * Stores calls and the events written on their behalf in one transaction, all or none. An
   * event id stored already is skipped; so is a call id on PostgreSQL, where a commit whose answer
   * was lost with the connection may have happened (SQLite, whose commit is never in doubt,
   * refuses it as a constraint). A retry of a batch that was in fact committed doubles nothing. `wait: false` fails at once rather than wait for a lock (SQLite) or a
   * connection (PostgreSQL), for rows already waiting for retry. Rejects with an error whose
   * `code` names the kind of failure (`SQLITE_BUSY`, `ECONNREFUSED`, `57P01`...).
   */
  recordBatch(batch: LedgerBatch, options?: { wait?: boolean }): Promise<void>;
  /**
   * Makes `value` the ledger's value of `name` by the rule of `valueToAdopt` (since always when
   * it has none; from `now` when the one in effect differs), atomically across processes.
   * Returns what was stored, or `null` when the ledger already had it.
   */
  adoptSetting(input: { name: SettingName; value: number; now: number }): Promise<LedgerSetting | null>;
  /**
   * Deletes the calls that started before `before`, oldest first, in small transactions with a
   * pause between them, so that writers never wait for more than one batch.
   */
  pruneCalls(options: LedgerPruneOptions): Promise<LedgerPruneResult>;
  /** The ledger's state for `/healthz`; never rejects. */
  status(): Promise<LedgerStatus>;
}

/** Options of {@link openLedger}. */
export interface OpenLedgerOptions {
  /** SQLite: ms a writer waits for another connection's lock. Default 5000. */
  busyTimeoutMs?: number;
  /** SQLite: open read-only (no migrations). Default false. */
  readonly?: boolean;
  /** SQLite: fail rather than create the file when there is none. Default `readonly`. */
  fileMustExist?: boolean;
  /** PostgreSQL: connections in the pool. Default 10 (`--db-pool-size`, `CPR_DB_POOL_SIZE`). */
  poolSize?: number;
  /**
   * PostgreSQL: resolve at once even when the server cannot be reached; the ledger connects and
   * applies its migrations on first use, and every operation rejects until then (`serve` starts
   * degraded this way). Default false: `openLedger` rejects, with the reason, when it cannot connect.
   */
  lazy?: boolean;
  /** PostgreSQL: where connection failures are logged (once per kind). Default: none. */
  logger?: Logger;
}

/**
 * Opens the ledger `db` names: a `postgres://` or `postgresql://` URL opens PostgreSQL (TLS and
 * other connection options go in the URL: `?sslmode=require`), anything else a SQLite file
 * (created when missing, unless `fileMustExist`). Migrations are applied at open (PostgreSQL:
 * under an advisory lock, so that replicas started at once apply each one once).
 *
 * @example
 * const ledger = await openLedger('postgres://cpr@db.internal/cpr', { poolSize: 20 });
 * const ledger2 = await openLedger('./cpr-meter.db');
 */
export async function openLedger(db: string, options: OpenLedgerOptions = {}): Promise<Ledger> {
  if (isPostgresUrl(db)) {
    const { openPostgresLedger } = await import('./postgres/postgres-ledger.js');
    return openPostgresLedger({ url: db, poolSize: options.poolSize, lazy: options.lazy, logger: options.logger });
  }
  const { openSqliteLedger } = await import('./sqlite/sqlite-ledger.js');
  return openSqliteLedger({ path: db, busyTimeoutMs: options.busyTimeoutMs, readonly: options.readonly, fileMustExist: options.fileMustExist });
}

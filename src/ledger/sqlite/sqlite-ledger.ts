import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CallLedger, RepriceCandidate, TimeWindow } from '../ledger.js';
import type { LlmCall } from '../types.js';
import { applyMigrations } from './apply-migrations.js';
import { CallStore } from './call-store.js';
import { migrations } from './migrations/index.js';
import { LedgerError } from '../../errors.js';
import type { RecordEventsResult, ReportInputOptions, TicketLedger } from '../ticket-ledger.js';
import type { CprEvent } from '../../tickets/types.js';
import type { ReportInput } from '../../reports/types.js';
import { insertEvents, loadReportInput } from './ticket-store.js';

/** Options of {@link openSqliteLedger}. */
export interface SqliteLedgerOptions {
  /** Database file path, or `:memory:`. */
  path: string;
  /** Milliseconds a writer waits for a lock before failing. Default 5000. */
  busyTimeoutMs?: number;
  /** Open read-only (reports); migrations are then not applied. Default false. */
  readonly?: boolean;
}

/**
 * The embedded ledger: one SQLite file in WAL mode, migrations applied at open.
 *
 * WAL with `synchronous = NORMAL` makes each committed call survive a crash of the process
 * (not of the machine), which is the promise the proxy makes: a call is committed before the
 * client receives the end of its response.
 */
export class SqliteLedger implements CallLedger, TicketLedger {
  readonly #calls: CallStore;

  /** The underlying connection, for stores that share it. */
  readonly db: Database;

  constructor(db: Database) {
    this.db = db;
    this.#calls = new CallStore(db);
  }

  async recordCall(call: LlmCall): Promise<void> {
    this.#calls.insert(call);
  }

  /** Synchronous insert, for callers that must commit before answering. */
  recordCallSync(call: LlmCall): void {
    this.#calls.insert(call);
  }

  /** Inserts many calls in one transaction. */
  recordCallsSync(calls: readonly LlmCall[]): void {
    this.#calls.insertMany(calls);
  }

  async repriceCandidates(window: TimeWindow): Promise<RepriceCandidate[]> {
    return this.#calls.repriceCandidates(window);
  }

  async updateCosts(updates: Array<Pick<LlmCall, 'id' | 'costUsd' | 'prices'>>): Promise<number> {
    return this.#calls.updateCosts(updates);
  }

  async recordEvents(events: CprEvent[]): Promise<RecordEventsResult> {
    return insertEvents(this.db, events);
  }

  async reportInput(options: ReportInputOptions): Promise<ReportInput> {
    return loadReportInput(this.db, options);
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  async close(): Promise<void> {
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens (creating when missing) a SQLite ledger and applies pending migrations.
 *
 * @example
 * const ledger = openSqliteLedger({ path: './cpr-meter.db' });
 */
export function openSqliteLedger({ path, busyTimeoutMs = 5000, readonly = false }: SqliteLedgerOptions): SqliteLedger {
  let db: Database;
  try {
    if (path !== ':memory:' && !readonly) mkdirSync(dirname(path), { recursive: true });
    db = new BetterSqlite3(path, { readonly, fileMustExist: readonly });
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma('foreign_keys = ON');
      applyMigrations(db, migrations);
    }
  } catch (cause) {
    throw new LedgerError(`Cannot open the ledger at ${path}: ${(cause as Error).message}`, { cause, path });
  }
  return new SqliteLedger(db);
}

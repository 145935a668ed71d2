import BetterSqlite3 from 'better-sqlite3';
import type { Database } from 'better-sqlite3';
import { mkdirSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import type { CallLedger, CostUpdate, RepriceCandidate, TimeWindow } from '../ledger.js';
import type { LlmCall } from '../types.js';
import { applyMigrations } from './apply-migrations.js';
import { CallStore } from './call-store.js';
import { migrations } from './migrations/index.js';
import { WAL_SIZE_LIMIT_BYTES } from './wal-limit.js';
import { LedgerError } from '../../errors.js';
import type { RecordEventsResult, ReportInputOptions, TicketLedger } from '../ticket-ledger.js';
import type { CprEvent } from '../../tickets/types.js';
import type { ReportInput } from '../../reports/types.js';
import { insertEvents, loadReportInput } from './ticket-store.js';
import { valueToAdopt, type LedgerSetting, type SettingName, type SettingsLedger } from '../settings.js';
import { readSettings, writeSetting } from './settings-store.js';
import type { Ledger, LedgerBatch, LedgerPruneOptions, LedgerPruneResult, LedgerStatus } from '../open-ledger.js';
import type { TicketPage, TicketPageOptions, TicketTimeline, TicketTimelineOptions } from '../ticket-explorer.js';
import { createSqliteTicketExplorer, type SqliteTicketExplorer } from './sqlite-ticket-explorer.js';
import { pruneCalls } from './prune.js';
import { recordStageMovesSync } from './stage-move-store.js';
import type { RecordStageMovesResult, StageMoveBatch } from '../stage-moves.js';

/** Options of {@link openSqliteLedger}. */
export interface SqliteLedgerOptions {
  /** Database file path, or `:memory:`. */
  path: string;
  /** Milliseconds a writer waits for a lock before failing. Default 5000. */
  busyTimeoutMs?: number;
  /** Open read-only (reports); migrations are then not applied. Default false. */
  readonly?: boolean;
  /** Fail rather than create the file when there is none (always so when `readonly`). Default false. */
  fileMustExist?: boolean;
}

/**
 * Whether the file a ledger writes to is still at its path: `missing` when it was deleted under
 * the open connection, `replaced` when another file took its path.
 */
export type LedgerFileStatus = 'ok' | 'missing' | 'replaced';

/** How often, at most, a write checks that the ledger file is still there (one `stat`), ms. */
const FILE_CHECK_INTERVAL_MS = 1_000;

/**
 * The embedded ledger: one SQLite file in WAL mode, migrations applied at open.
 *
 * WAL with `synchronous = NORMAL` makes each committed call survive a crash of the process
 * (not of the machine), which is the promise the proxy makes: a call is committed before the
 * client receives the end of its response.
 */
export class SqliteLedger implements Ledger, CallLedger, TicketLedger, SettingsLedger {
  readonly kind = 'sqlite' as const;
  readonly #calls: CallStore;
  #explorer: SqliteTicketExplorer | undefined;
  readonly #path: string | undefined;
  readonly #identity: { dev: number; ino: number } | undefined;
  readonly #busyTimeoutMs: number;
  #fileStatus: LedgerFileStatus = 'ok';
  #fileCheckedAt = 0;

  /** The underlying connection, for stores that share it. */
  readonly db: Database;

  /**
   * `path` is the file `db` was opened on (none for `:memory:`): writes are refused once it is
   * deleted or replaced, instead of going on into a file nobody can read.
   */
  constructor(db: Database, { path, busyTimeoutMs = 5000 }: { path?: string; busyTimeoutMs?: number } = {}) {
    this.db = db;
    this.#calls = new CallStore(db);
    this.#busyTimeoutMs = busyTimeoutMs;
    if (path !== undefined && path !== '' && path !== ':memory:') {
      const { dev, ino } = statSync(path);
      this.#path = path;
      this.#identity = { dev, ino };
    }
  }

  async recordCall(call: LlmCall): Promise<void> {
    this.recordCallSync(call);
  }

  /**
   * Synchronous insert, for callers that must commit before answering. With `wait: false` it
   * fails at once (`SQLITE_BUSY`) rather than wait up to the busy timeout for another
   * connection's lock: the recorder writes that way while rows wait for retry, so that a lock
   * held for long cannot stall the proxy call after call.
   */
  recordCallSync(call: LlmCall, { wait = true }: { wait?: boolean } = {}): void {
    this.#assertFile();
    if (wait) return this.#calls.insert(call);
    this.db.pragma('busy_timeout = 0');
    try {
      this.#calls.insert(call);
    } finally {
      this.db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    }
  }

  /** Inserts many calls in one transaction (all or none); `wait` as for {@link recordCallSync}. */
  recordCallsSync(calls: readonly LlmCall[], { wait = true }: { wait?: boolean } = {}): void {
    this.#assertFile();
    if (wait) return this.#calls.insertMany(calls);
    this.db.pragma('busy_timeout = 0');
    try {
      this.#calls.insertMany(calls);
    } finally {
      this.db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    }
  }

  /**
   * Inserts calls and the events written on their behalf (conversation links) in one
   * transaction, all or none; `wait` as for {@link recordCallSync}. An event whose id is stored
   * already is skipped, so a retry of a batch that was in fact committed doubles nothing.
   */
  recordBatchSync({ calls, events }: { calls: readonly LlmCall[]; events: readonly CprEvent[] }, { wait = true }: { wait?: boolean } = {}): void {
    this.#assertFile();
    if (events.length === 0) return this.recordCallsSync(calls, { wait });
    if (!wait) this.db.pragma('busy_timeout = 0');
    try {
      this.#batch({ calls, events });
    } finally {
      if (!wait) this.db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    }
  }

  async recordBatch(batch: LedgerBatch, options?: { wait?: boolean }): Promise<void> {
    this.recordBatchSync(batch, options);
  }

  #batch(batch: { calls: readonly LlmCall[]; events: readonly CprEvent[] }): void {
    // `insertEvents` and `insertMany` are transactions of their own: nested, they become savepoints of this one.
    this.db.transaction(() => {
      if (batch.calls.length > 0) this.#calls.insertMany(batch.calls);
      insertEvents(this.db, batch.events);
    })();
  }

  async repriceCandidates(window: TimeWindow): Promise<RepriceCandidate[]> {
    return this.#calls.repriceCandidates(window);
  }

  async updateCosts(updates: CostUpdate[]): Promise<number> {
    this.#assertFile();
    return this.#calls.updateCosts(updates);
  }

  async recordEvents(events: CprEvent[]): Promise<RecordEventsResult> {
    this.#assertFile();
    return insertEvents(this.db, events);
  }

  async recordStageMoves(batch: StageMoveBatch): Promise<RecordStageMovesResult> {
    this.#assertFile();
    return recordStageMovesSync(this.db, batch);
  }

  async reportInput(options: ReportInputOptions): Promise<ReportInput> {
    return loadReportInput(this.db, options);
  }

  async readSettings(name?: SettingName): Promise<LedgerSetting[]> {
    return readSettings(this.db, name);
  }

  async writeSetting(setting: LedgerSetting): Promise<void> {
    this.#assertFile();
    writeSetting(this.db, setting);
  }

  /**
   * Makes `value` the ledger's value of `name` by the rule of {@link valueToAdopt} (since always
   * when it has none; from `now` when the one in effect differs). Returns what was stored, or
   * `null` when the ledger already had it.
   */
  async adoptSetting(input: { name: SettingName; value: number; now: number }): Promise<LedgerSetting | null> {
    return this.adoptSettingSync(input);
  }

  /** {@link adoptSetting}, answered synchronously. */
  adoptSettingSync({ name, value, now }: { name: SettingName; value: number; now: number }): LedgerSetting | null {
    this.#assertFile();
    // Read and write under the write lock: two processes started at once agree on one value.
    return this.db.transaction(() => {
      const adopted = valueToAdopt(readSettings(this.db, name), { name, value, now });
      if (adopted !== null) writeSetting(this.db, adopted);
      return adopted;
    }).immediate();
  }

  async ping(): Promise<void> {
    this.db.prepare('SELECT 1').get();
  }

  /** The path it was opened on (`:memory:` for none). */
  get description(): string {
    return this.#path ?? ':memory:';
  }

  async status(): Promise<LedgerStatus> {
    try {
      await this.ping();
      const file = this.fileStatus();
      return file === 'ok' ? { state: 'ok' } : { state: `file_${file}` };
    } catch (error) {
      return { state: 'unreachable', error: (error as Error).message };
    }
  }

  async pruneCalls(options: LedgerPruneOptions): Promise<LedgerPruneResult> {
    if (options.dryRun !== true) this.#assertFile();
    return pruneCalls({ db: this.db, ...options });
  }

  /** The ticket pages and timelines, on this connection (sharing one cache of report inputs). */
  #tickets(): SqliteTicketExplorer {
    return (this.#explorer ??= createSqliteTicketExplorer(this.db));
  }

  async ticketPage(options: TicketPageOptions): Promise<TicketPage> {
    return this.#tickets().ticketPage(options);
  }

  async ticketTimeline(options: TicketTimelineOptions): Promise<TicketTimeline | null> {
    return this.#tickets().ticketTimeline(options);
  }

  /**
   * Checks, with one `stat`, that the path still names the file this connection writes to.
   * SQLite keeps writing to a deleted file's inode, and nothing would say so. Always `ok` for `:memory:`.
   */
  fileStatus(): LedgerFileStatus {
    if (this.#path === undefined || this.#identity === undefined) return 'ok';
    let status: LedgerFileStatus;
    try {
      const { dev, ino } = statSync(this.#path);
      status = dev === this.#identity.dev && ino === this.#identity.ino ? 'ok' : 'replaced';
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error;
      status = 'missing';
    }
    this.#fileStatus = status;
    this.#fileCheckedAt = Date.now();
    return status;
  }

  /** Throws a `LedgerError` (`LEDGER_FILE_MISSING` / `LEDGER_FILE_REPLACED`) when the file is gone; checks at most once a second. */
  #assertFile(): void {
    if (this.#identity === undefined) return;
    const status = Date.now() - this.#fileCheckedAt < FILE_CHECK_INTERVAL_MS ? this.#fileStatus : this.fileStatus();
    if (status === 'ok') return;
    const code = status === 'missing' ? 'LEDGER_FILE_MISSING' : 'LEDGER_FILE_REPLACED';
    throw new LedgerError(
      `The ledger file ${this.#path} was ${status === 'missing' ? 'deleted' : 'replaced by another file'} while cpr-meter was running; `
        + 'nothing more is written to it. Restart cpr-meter to open the file at that path (restore it from a backup first if it was deleted by mistake).',
      { path: this.#path, code },
    );
  }

  async close(): Promise<void> {
    // Closing a WAL connection checkpoints and then deletes "<path>-wal" and "<path>-shm" BY
    // NAME: if the file was deleted or replaced, those names may now belong to another database.
    // Leave the connection to the end of the process, which releases it without touching them.
    if (this.#identity !== undefined && this.fileStatus() !== 'ok') return;
    if (this.db.open) this.db.close();
  }
}

/**
 * Opens (creating when missing) a SQLite ledger and applies pending migrations.
 *
 * @example
 * const ledger = openSqliteLedger({ path: './cpr-meter.db' });
 */
export function openSqliteLedger({ path, busyTimeoutMs = 5000, readonly = false, fileMustExist = readonly }: SqliteLedgerOptions): SqliteLedger {
  let db: Database;
  try {
    if (path !== ':memory:' && !fileMustExist) mkdirSync(dirname(path), { recursive: true });
    db = new BetterSqlite3(path, { readonly, fileMustExist });
    db.pragma(`busy_timeout = ${Math.max(0, Math.trunc(busyTimeoutMs))}`);
    if (!readonly) {
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.pragma(`journal_size_limit = ${WAL_SIZE_LIMIT_BYTES}`);
      db.pragma('foreign_keys = ON');
      applyMigrations(db, migrations);
    }
  } catch (cause) {
    throw new LedgerError(`Cannot open the ledger at ${path}: ${(cause as Error).message}`, { cause, path });
  }
  return new SqliteLedger(db, { path, busyTimeoutMs: Math.max(0, Math.trunc(busyTimeoutMs)) });
}

import type pg from 'pg';
import type { CostUpdate, RepriceCandidate, TimeWindow } from '../ledger.js';
import type { LlmCall } from '../types.js';
import type { CprEvent } from '../../tickets/types.js';
import type { RecordEventsResult, ReportInputOptions } from '../ticket-ledger.js';
import type { ReportInput } from '../../reports/types.js';
import type { TicketPage, TicketPageOptions, TicketTimeline, TicketTimelineOptions } from '../ticket-explorer.js';
import { valueToAdopt, type LedgerSetting, type SettingName } from '../settings.js';
import type { Ledger, LedgerBatch, LedgerPruneOptions, LedgerPruneResult, LedgerStatus } from '../open-ledger.js';
import type { Logger } from '../../logging/logger.js';
import { LedgerError } from '../../errors.js';
import { toLedgerError } from './pg-pool.js';
import { PgConnection } from './pg-connection.js';
import { insertCalls } from './call-rows.js';
import { insertPgEvents } from './pg-event-store.js';
import { recordPgStageMoves } from './pg-stage-moves.js';
import type { RecordStageMovesResult, StageMoveBatch } from '../stage-moves.js';
import { readPgSettings, writePgSetting } from './pg-settings.js';
import { pgRepriceCandidates, pgUpdateCosts } from './pg-reprice.js';
import { prunePgCalls } from './pg-prune.js';
import { loadPgReportInput } from './pg-report-input.js';
import { readPgTicketPage, readPgTicketTimeline } from './pg-ticket-explorer.js';

/** Options of {@link openPostgresLedger}. */
export interface PostgresLedgerOptions {
  /** `postgres://user:password@host:port/database?sslmode=...`. */
  url: string;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** Resolve at once even when the server cannot be reached (see `OpenLedgerOptions.lazy`). Default false. */
  lazy?: boolean;
  /** Where failures of idle connections are logged, once per kind. */
  logger?: Logger;
  /** Attempts to connect and migrate, while it cannot, are at least this far apart, ms. Default 1,000. */
  retryMs?: number;
  /**
   * Whether its reports fold the kept facts (one replica at a time does). `false`: its reports
   * only read them, recomputing what changed since for themselves (a reporting-only process).
   * Default true.
   */
  foldKeptFacts?: boolean;
}

/** The advisory lock key under which a setting is read and written (`cprs`): two processes adopting a rate agree on one. */
const SETTINGS_LOCK_KEY = 1_668_313_715;

/**
 * The ledger of a fleet: one PostgreSQL database that any number of `serve` processes and
 * meters write, each through a pool. Every write is one transaction; every method is
 * asynchronous and none holds the event loop. The schema is the SQLite ledger's
 * (`migrations/`), applied under an advisory lock at open.
 *
 * While the server cannot be reached, every method rejects with a `LedgerError` whose `code`
 * says why (`ECONNREFUSED`, `57P01`...); the pool opens new connections once it is back. The
 * password never appears in an error: see `describeDb`.
 */
export class PostgresLedger implements Ledger {
  readonly kind = 'postgres' as const;
  readonly description: string;
  /** Its pool, migrations, transactions and statements. */
  readonly connection: PgConnection;
  /** Whether its reports fold the kept facts (see {@link PostgresLedgerOptions.foldKeptFacts}). */
  readonly folds: boolean;

  constructor({ url, poolSize, logger, retryMs, foldKeptFacts = true }: PostgresLedgerOptions) {
    this.connection = new PgConnection({ url, poolSize, logger, retryMs });
    this.description = this.connection.description;
    this.folds = foldKeptFacts;
  }

  /** The URL it was opened on (with its password: never for messages, see `description`). */
  get url(): string {
    return this.connection.url;
  }

  /** The pool, for stores that share it (the copy command, tests). */
  get pool(): pg.Pool {
    return this.connection.pool;
  }

  /** Connects and applies the migrations, once (see {@link PgConnection.ready}). */
  ready(): Promise<void> {
    return this.connection.ready();
  }

  /** {@link PgConnection.transaction}. */
  transaction<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>,
    options?: { isolation?: 'READ COMMITTED' | 'REPEATABLE READ' }): Promise<T> {
    return this.connection.transaction(doing, work, options);
  }

  /** {@link PgConnection.query}. */
  query<R extends pg.QueryResultRow>(doing: string, text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    return this.connection.query<R>(doing, text, values);
  }

  async recordCall(call: LlmCall): Promise<void> {
    await this.recordBatch({ calls: [call], events: [] });
  }

  /**
   * One transaction: the calls in one statement, then the events. With `wait: false` (rows are
   * already waiting for retry: the server is failing) it fails at once (`PG_POOL_BUSY`) when every
   * connection of the pool is taken, rather than queue behind them: a stalled server must not
   * gather a queue of batches in memory. The recorder bounds how long a call waits for its commit
   * (`--commit-wait-ms`).
   */
  async recordBatch({ calls, events }: LedgerBatch, { wait = true }: { wait?: boolean } = {}): Promise<void> {
    if (!wait && this.pool.idleCount === 0 && this.pool.totalCount >= this.connection.poolSize) {
      throw new LedgerError(`PostgreSQL ledger ${this.description}: every connection of the pool is busy`, { path: this.description, code: 'PG_POOL_BUSY' });
    }
    if (events.length === 0) {
      // One statement is its own transaction: no BEGIN and COMMIT round trips.
      await this.ready();
      try {
        await insertCalls(this.pool, calls);
      } catch (error) {
        throw toLedgerError(error, this.url, 'recording calls');
      }
      return;
    }
    await this.transaction('recording calls and events', async (client) => {
      await insertCalls(client, calls);
      await insertPgEvents(client, events);
    });
  }

  async recordEvents(events: CprEvent[]): Promise<RecordEventsResult> {
    return this.transaction('recording events', (client) => insertPgEvents(client, events));
  }

  async recordStageMoves(batch: StageMoveBatch): Promise<RecordStageMovesResult> {
    return this.transaction('recording stage moves', (client) => recordPgStageMoves(client, batch));
  }

  async reportInput(options: ReportInputOptions): Promise<ReportInput> {
    return loadPgReportInput(this, options);
  }

  async ticketPage(options: TicketPageOptions): Promise<TicketPage> {
    return readPgTicketPage(this, options);
  }

  async ticketTimeline(options: TicketTimelineOptions): Promise<TicketTimeline | null> {
    return readPgTicketTimeline(this, options);
  }

  async repriceCandidates(window: TimeWindow): Promise<RepriceCandidate[]> {
    await this.ready();
    return pgRepriceCandidates(this, window);
  }

  async updateCosts(updates: CostUpdate[]): Promise<number> {
    return this.transaction('updating costs', (client) => pgUpdateCosts(client, updates));
  }

  async readSettings(name?: SettingName): Promise<LedgerSetting[]> {
    await this.ready();
    return readPgSettings(this.pool, name);
  }

  async writeSetting(setting: LedgerSetting): Promise<void> {
    await this.transaction('writing a setting', (client) => writePgSetting(client, setting));
  }

  async adoptSetting({ name, value, now }: { name: SettingName; value: number; now: number }): Promise<LedgerSetting | null> {
    // Read and write under one lock: two replicas started at once agree on one value.
    return this.transaction('adopting a setting', async (client) => {
      await client.query('SELECT pg_advisory_xact_lock($1)', [SETTINGS_LOCK_KEY]);
      const adopted = valueToAdopt(await readPgSettings(client, name), { name, value, now });
      if (adopted !== null) await writePgSetting(client, adopted);
      return adopted;
    });
  }

  async pruneCalls(options: LedgerPruneOptions): Promise<LedgerPruneResult> {
    await this.ready();
    return prunePgCalls(this, options);
  }

  async status(): Promise<LedgerStatus> {
    try {
      await this.ping();
      return { state: 'ok' };
    } catch (error) {
      return { state: 'unreachable', error: (error as Error).message };
    }
  }

  /** Resolves when the server answers, within 1 s (see {@link PgConnection.ping}). */
  ping(): Promise<void> {
    return this.connection.ping();
  }

  async close(): Promise<void> {
    await this.connection.close();
  }
}

/**
 * Opens a PostgreSQL ledger: a pool, and the migrations applied (under an advisory lock). With
 * `lazy`, resolves even when the server cannot be reached yet.
 *
 * @example
 * const ledger = await openPostgresLedger({ url: 'postgres://cpr@db/cpr?sslmode=require', poolSize: 20 });
 */
export async function openPostgresLedger(options: PostgresLedgerOptions): Promise<PostgresLedger> {
  const ledger = new PostgresLedger(options);
  try {
    await ledger.ready();
  } catch (error) {
    if (options.lazy === true) return ledger;
    await ledger.close().catch(() => {});
    throw error;
  }
  return ledger;
}

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
import { describeDb } from '../describe-db.js';
import { LedgerError } from '../../errors.js';
import { createPgPool, DEFAULT_POOL_SIZE, pgCodeOf, toLedgerError } from './pg-pool.js';
import { applyPgMigrations } from './apply-pg-migrations.js';
import { pgMigrations } from './migrations/index.js';
import { insertCalls } from './call-rows.js';
import { insertPgEvents } from './pg-event-store.js';
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

/** The longest `/healthz` waits for PostgreSQL to answer, ms. */
const PING_TIMEOUT_MS = 1_000;

/** Connections given an 'error' listener already (once each: the pool hands the same ones out again). */
const CHECKED_OUT = new WeakSet<pg.PoolClient>();

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
  readonly #url: string;
  readonly #pool: pg.Pool;
  readonly #retryMs: number;
  readonly #poolSize: number;
  /** Whether its reports fold the kept facts (see {@link PostgresLedgerOptions.foldKeptFacts}). */
  readonly folds: boolean;
  #migrated = false;
  #migrating: Promise<void> | undefined;
  #triedAt = Number.NEGATIVE_INFINITY;
  #lastError: unknown;

  constructor({ url, poolSize, logger, retryMs = 1_000, foldKeptFacts = true }: PostgresLedgerOptions) {
    this.#url = url;
    this.folds = foldKeptFacts;
    this.description = describeDb(url);
    this.#retryMs = retryMs;
    this.#poolSize = poolSize ?? DEFAULT_POOL_SIZE;
    this.#pool = createPgPool({ url, size: this.#poolSize });
    const logged = new Set<string>();
    // An idle connection that breaks (the server restarted) must not crash the process: the
    // pool drops it, and the next query opens another.
    this.#pool.on('error', (error) => {
      const code = pgCodeOf(error);
      if (logged.has(code)) return;
      logged.add(code);
      logger?.warn('a PostgreSQL ledger connection broke; the pool opens a new one when needed', { db: this.description, kind: code });
    });
  }

  /** The URL it was opened on (with its password: never for messages, see `description`). */
  get url(): string {
    return this.#url;
  }

  /** The pool, for stores that share it (the copy command, tests). */
  get pool(): pg.Pool {
    return this.#pool;
  }

  /** Connects and applies the migrations, once; while it cannot, tries again at most once per `retryMs` and rejects with why. */
  async ready(): Promise<void> {
    if (this.#migrated) return;
    if (this.#migrating) return this.#migrating;
    if (Date.now() - this.#triedAt < this.#retryMs) throw this.#lastError;
    this.#triedAt = Date.now();
    this.#migrating = (async () => {
      const client = await this.#checkout();
      try {
        await applyPgMigrations(client, pgMigrations);
        this.#migrated = true;
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      this.#lastError = toLedgerError(error, this.#url, 'connecting and migrating');
      throw this.#lastError;
    }).finally(() => {
      this.#migrating = undefined;
    });
    return this.#migrating;
  }

  /**
   * A connection of the pool. While checked out, a connection the server closes (a restart,
   * `pg_terminate_backend`) fails the query under way; its 'error' event, which nothing else
   * listens to then, must not crash the process.
   */
  async #checkout(): Promise<pg.PoolClient> {
    const client = await this.#pool.connect();
    if (!CHECKED_OUT.has(client)) {
      CHECKED_OUT.add(client);
      client.on('error', () => {});
    }
    return client;
  }

  /** Runs `work` in one transaction on one connection of the pool; a failure rolls it back and rejects with a `LedgerError`. */
  async transaction<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>,
    { isolation = 'READ COMMITTED' }: { isolation?: 'READ COMMITTED' | 'REPEATABLE READ' } = {}): Promise<T> {
    await this.ready();
    let client: pg.PoolClient;
    try {
      client = await this.#checkout();
    } catch (error) {
      throw toLedgerError(error, this.#url, doing);
    }
    let broken = false;
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = await client.query('ROLLBACK').then(() => false, () => true);
      throw toLedgerError(error, this.#url, doing);
    } finally {
      client.release(broken);
    }
  }

  /** One statement outside a transaction. */
  async query<R extends pg.QueryResultRow>(doing: string, text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    await this.ready();
    try {
      return await this.#pool.query<R>(text, values);
    } catch (error) {
      throw toLedgerError(error, this.#url, doing);
    }
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
    if (!wait && this.#pool.idleCount === 0 && this.#pool.totalCount >= this.#poolSize) {
      throw new LedgerError(`PostgreSQL ledger ${this.description}: every connection of the pool is busy`, { path: this.description, code: 'PG_POOL_BUSY' });
    }
    if (events.length === 0) {
      // One statement is its own transaction: no BEGIN and COMMIT round trips.
      await this.ready();
      try {
        await insertCalls(this.#pool, calls);
      } catch (error) {
        throw toLedgerError(error, this.#url, 'recording calls');
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
    return readPgSettings(this.#pool, name);
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

  /** Resolves when the server answers `SELECT 1`; rejects after {@link PING_TIMEOUT_MS} at most (a server that drops packets answers nothing). */
  async ping(): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(new LedgerError(`PostgreSQL ledger ${this.description}: no answer within ${PING_TIMEOUT_MS} ms`,
        { path: this.description, code: 'PG_PING_TIMEOUT' })), PING_TIMEOUT_MS);
    });
    try {
      await Promise.race([this.query('answering a ping', 'SELECT 1'), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  async status(): Promise<LedgerStatus> {
    try {
      await this.ping();
      return { state: 'ok' };
    } catch (error) {
      return { state: 'unreachable', error: (error as Error).message };
    }
  }

  async close(): Promise<void> {
    await this.#pool.end();
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

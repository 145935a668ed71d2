import type pg from 'pg';
import { LedgerError } from '../../errors.js';
import type { Logger } from '../../logging/logger.js';
import { describeDb } from '../describe-db.js';
import { applyPgMigrations } from './apply-pg-migrations.js';
import { pgMigrations } from './migrations/index.js';
import { createPgPool, DEFAULT_POOL_SIZE, pgCodeOf, toLedgerError } from './pg-pool.js';

/** The longest `/healthz` waits for PostgreSQL to answer, ms. */
const PING_TIMEOUT_MS = 1_000;

/** Connections given an 'error' listener already (once each: the pool hands the same ones out again). */
const CHECKED_OUT = new WeakSet<pg.PoolClient>();

/**
 * A connection of `pool`. While checked out, a connection the server closes (a restart,
 * `pg_terminate_backend`) fails the query under way; its 'error' event, which nothing else
 * listens to then, must not crash the process.
 */
export async function checkout(pool: pg.Pool): Promise<pg.PoolClient> {
  const client = await pool.connect();
  if (!CHECKED_OUT.has(client)) {
    CHECKED_OUT.add(client);
    client.on('error', () => {});
  }
  return client;
}

/** Options of {@link PgConnection}. */
export interface PgConnectionOptions {
  url: string;
  /** Connections in the pool. Default 10. */
  poolSize?: number;
  /** Where failures of idle connections are logged, once per kind. */
  logger?: Logger;
  /** Attempts to connect and migrate, while it cannot, are at least this far apart, ms. Default 1,000. */
  retryMs?: number;
}

/**
 * A PostgreSQL ledger's pool and what every operation goes through: the migrations applied
 * once (retried, while the server cannot be reached, at most once per `retryMs`), transactions
 * and statements whose failures become `LedgerError`s naming the ledger without its password.
 * The pool opens new connections once the server is back: the ledger reconnects on its own.
 */
export class PgConnection {
  readonly url: string;
  readonly description: string;
  readonly pool: pg.Pool;
  readonly poolSize: number;
  readonly #retryMs: number;
  #migrated = false;
  #migrating: Promise<void> | undefined;
  #triedAt = Number.NEGATIVE_INFINITY;
  #lastError: unknown;

  constructor({ url, poolSize, logger, retryMs = 1_000 }: PgConnectionOptions) {
    this.url = url;
    this.description = describeDb(url);
    this.#retryMs = retryMs;
    this.poolSize = poolSize ?? DEFAULT_POOL_SIZE;
    this.pool = createPgPool({ url, size: this.poolSize });
    const logged = new Set<string>();
    // An idle connection that breaks (the server restarted) must not crash the process: the
    // pool drops it, and the next query opens another.
    this.pool.on('error', (error) => {
      const code = pgCodeOf(error);
      if (logged.has(code)) return;
      logged.add(code);
      logger?.warn('a PostgreSQL ledger connection broke; the pool opens a new one when needed', { db: this.description, kind: code });
    });
  }

  /** Connects and applies the migrations, once; while it cannot, tries again at most once per `retryMs` and rejects with why. */
  async ready(): Promise<void> {
    if (this.#migrated) return;
    if (this.#migrating) return this.#migrating;
    if (Date.now() - this.#triedAt < this.#retryMs) throw this.#lastError;
    this.#triedAt = Date.now();
    this.#migrating = (async () => {
      const client = await checkout(this.pool);
      try {
        await applyPgMigrations(client, pgMigrations);
        this.#migrated = true;
      } finally {
        client.release();
      }
    })().catch((error: unknown) => {
      this.#lastError = toLedgerError(error, this.url, 'connecting and migrating');
      throw this.#lastError;
    }).finally(() => {
      this.#migrating = undefined;
    });
    return this.#migrating;
  }

  /** Runs `work` in one transaction on one connection of the pool; a failure rolls it back and rejects with a `LedgerError`. */
  async transaction<T>(doing: string, work: (client: pg.PoolClient) => Promise<T>,
    { isolation = 'READ COMMITTED' }: { isolation?: 'READ COMMITTED' | 'REPEATABLE READ' } = {}): Promise<T> {
    await this.ready();
    let client: pg.PoolClient;
    try {
      client = await checkout(this.pool);
    } catch (error) {
      throw toLedgerError(error, this.url, doing);
    }
    let broken = false;
    try {
      await client.query(`BEGIN ISOLATION LEVEL ${isolation}`);
      const result = await work(client);
      await client.query('COMMIT');
      return result;
    } catch (error) {
      broken = await client.query('ROLLBACK').then(() => false, () => true);
      throw toLedgerError(error, this.url, doing);
    } finally {
      client.release(broken);
    }
  }

  /** One statement outside a transaction. */
  async query<R extends pg.QueryResultRow>(doing: string, text: string, values: unknown[] = []): Promise<pg.QueryResult<R>> {
    await this.ready();
    try {
      return await this.pool.query<R>(text, values);
    } catch (error) {
      throw toLedgerError(error, this.url, doing);
    }
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

  async close(): Promise<void> {
    await this.pool.end();
  }
}

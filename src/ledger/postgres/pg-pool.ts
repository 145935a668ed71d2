/**
 * The driver: node-postgres (`pg`), chosen by a measurement (`npm run bench -- postgres-driver`,
 * `bench/postgres-driver.ts`: the ledger's own insert of call rows, the same statement and the
 * same rows for both drivers, PostgreSQL 18 on the same machine with its durable defaults,
 * medians of 3 rounds, load average 4 to 5 from other builds). Calls per second, pg through its
 * pool / a pg client held / postgres.js: 1,394 / 2,555 / 1,918 one call per statement; 13,128 /
 * 16,410 / 15,526 at 16; 26,487 / 24,842 / 27,649 at 64. Client CPU per call: 117 / 70 / 92 us;
 * 19.4 / 15.7 / 21.0 us; 7.5 / 6.5 / 7.5 us. The drivers are within noise of each other (pg's
 * own client ahead at 1 and 16); what costs is the pool's checkout per statement, about 4 us a
 * call at 16 in flight, which any pooled driver pays. pg wins on what matters more here: a pool
 * whose checkout, idle-connection errors and reconnection after a server restart are explicit
 * (the recorder's fail-open path relies on them), libpq's URL options for TLS (`sslmode`,
 * `sslrootcert`...), and it is the dependency cpr-meter ships (postgres.js is installed for this
 * measurement only). (An earlier run, with an array parameter per column and a busier disk: pg
 * 395 / 3,876 / 8,772 calls per second against postgres.js 313 / 4,075 / 10,224.)
 */
import pg from 'pg';
import { LedgerError } from '../../errors.js';
import { describeDb, redactPassword } from '../describe-db.js';

/** Connections in the pool when no size is given (`--db-pool-size`, `CPR_DB_POOL_SIZE`). */
export const DEFAULT_POOL_SIZE = 10;

/** How long a query waits for a connection (a new one: the TCP and TLS handshakes included) before it fails, ms. */
const CONNECT_TIMEOUT_MS = 5_000;

/** `bigint` (oid 20) and `numeric` (1700, what `SUM` of a `bigint` is) as numbers, not strings: token counts and ms fit in 2^53. */
const types = {
  getTypeParser(oid: number, format?: 'text' | 'binary') {
    if (oid === 20) return (value: string) => Number(value);
    if (oid === 1700) return (value: string) => Number(value);
    return pg.types.getTypeParser(oid, format);
  },
};

/**
 * A pool of `size` connections to `url`. TLS and every other connection option come from the
 * URL as libpq spells them (`sslmode=require`, `sslrootcert=...`), which `pg` reads. Idle
 * connections that break (the server restarted) are dropped by the pool, and the next query
 * opens a new one: the ledger reconnects on its own.
 */
export function createPgPool({ url, size = DEFAULT_POOL_SIZE }: { url: string; size?: number }): pg.Pool {
  return new pg.Pool({
    connectionString: url, max: size, types, connectionTimeoutMillis: CONNECT_TIMEOUT_MS,
    idleTimeoutMillis: 30_000, application_name: 'cpr-meter', keepAlive: true,
  });
}

/** The code of a driver failure: PostgreSQL's SQLSTATE (`57P01`, `40P01`...) or the socket's (`ECONNREFUSED`). */
export function pgCodeOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  if (typeof code === 'string') return code;
  const message = (error as Error | null)?.message ?? '';
  if (/timeout/i.test(message)) return 'PG_CONNECT_TIMEOUT';
  if (/Connection terminated/i.test(message)) return 'PG_CONNECTION_TERMINATED';
  return 'PG_ERROR';
}

/**
 * A driver failure as a {@link LedgerError} naming the ledger without its password, with the
 * failure's code; the driver's message is kept, the password replaced should it quote it.
 */
export function toLedgerError(error: unknown, url: string, doing: string): LedgerError {
  if (error instanceof LedgerError) return error;
  const message = redactPassword((error as Error | null)?.message ?? String(error), url);
  return new LedgerError(`PostgreSQL ledger ${describeDb(url)}: ${doing} failed: ${message}`, { path: describeDb(url), code: pgCodeOf(error) });
}

/** SQLSTATE classes of a row refused for itself (a constraint, bad data): retrying cannot cure them. */
const PERMANENT_SQLSTATE = /^(22|23)/;

/** True when PostgreSQL refused the row itself (a check constraint, a value out of range), not the connection. */
export function isPermanentPgFailure(code: string): boolean {
  return PERMANENT_SQLSTATE.test(code);
}

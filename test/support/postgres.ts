import { randomBytes } from 'node:crypto';
import pg from 'pg';
import { afterAll, beforeAll, inject } from 'vitest';
import './postgres-global-setup.js';

export { startTestPostgres as startDedicatedPostgres, freePort, type TestPostgresServer } from './postgres-server.js';

/** The admin URL of the run's PostgreSQL server (started by the global setup, or `CPR_TEST_POSTGRES_URL`). */
export function postgresServerUrl(): string {
  return inject('cprPostgresUrl');
}

/** A database of its own on a PostgreSQL server. */
export interface TestDatabase {
  /** Its URL (the server's URL with the database's name as path). */
  url: string;
  name: string;
  /** Drops it (closing the connections still on it). */
  drop(): Promise<void>;
}

/** `serverUrl` with another database as its path. */
export function databaseUrl(serverUrl: string, name: string): string {
  const url = new URL(serverUrl);
  url.pathname = `/${name}`;
  return url.toString();
}

/**
 * Creates a fresh, empty database with a unique name (`cpr_test_<hex>`) on the server at
 * `serverUrl` (default: the run's server).
 */
export async function createTestDatabase(serverUrl: string = postgresServerUrl()): Promise<TestDatabase> {
  const name = `cpr_test_${randomBytes(6).toString('hex')}`;
  const admin = new pg.Client({ connectionString: serverUrl });
  await admin.connect();
  try {
    // An identifier cannot be a parameter; the name is made here of [a-z0-9_] only.
    await admin.query(`CREATE DATABASE "${name}"`);
  } finally {
    await admin.end();
  }
  return {
    url: databaseUrl(serverUrl, name),
    name,
    async drop() {
      const client = new pg.Client({ connectionString: serverUrl });
      await client.connect();
      try {
        await client.query(`DROP DATABASE IF EXISTS "${name}" WITH (FORCE)`);
      } finally {
        await client.end();
      }
    },
  };
}

/**
 * A fresh database for the test file that calls it (created before its tests, dropped after).
 * Read `.url` inside tests or hooks.
 *
 * @example
 * const database = usePostgresDatabase();
 * it('...', async () => { const ledger = await openLedger(database.url); ... });
 */
export function usePostgresDatabase(): { readonly url: string } {
  let database: TestDatabase | undefined;
  beforeAll(async () => {
    database = await createTestDatabase();
  });
  afterAll(async () => {
    await database?.drop();
  });
  return {
    get url() {
      if (database === undefined) throw new Error('usePostgresDatabase(): the database exists from beforeAll on');
      return database.url;
    },
  };
}

import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openLedger, type Ledger } from '../../src/ledger/open-ledger.js';
import { pgMigrations } from '../../src/ledger/postgres/migrations/index.js';
import { migrations as sqliteMigrations } from '../../src/ledger/sqlite/migrations/index.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

/**
 * Ten replicas starting at once on an empty database: the migrations are applied under an
 * advisory lock, so each is applied once (`schema_migrations` holds each name once, and a second
 * `CREATE TABLE` would have failed the replica that ran it).
 */
describe('PostgreSQL migrations', () => {
  const databases: TestDatabase[] = [];
  afterAll(async () => {
    for (const database of databases) await database.drop();
  });

  it('ten ledgers opened at once on an empty database apply each migration once', async () => {
    const database = await createTestDatabase();
    databases.push(database);
    const ledgers: Ledger[] = await Promise.all(Array.from({ length: 10 }, () => openLedger(database.url, { poolSize: 2 })));
    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    try {
      const { rows } = await client.query<{ name: string; n: string }>('SELECT name, COUNT(*) AS n FROM schema_migrations GROUP BY name ORDER BY name');
      // One row per migration, each applied once: 10 migrations (001..005, 007, 008, 009, 011, 012).
      expect(rows.map((r) => [r.name, Number(r.n)])).toEqual(pgMigrations.map((m) => [m.name, 1]));
      expect(rows).toHaveLength(10);
    } finally {
      await client.end();
      await Promise.all(ledgers.map((ledger) => ledger.close()));
    }
  });

  it('names every migration the SQLite ledger applies, in the same order', () => {
    const pgNames = pgMigrations.map((m) => m.name);
    expect(pgNames.filter((name) => sqliteMigrations.some((m) => m.name === name))).toEqual(sqliteMigrations.map((m) => m.name));
  });
});

import type pg from 'pg';
import type { Migration } from '../sqlite/migrations/migration.js';

/**
 * The advisory lock key every cpr-meter process takes to migrate a database: 0x6370726d
 * ("cprm"). Replicas that start at once wait for the first; each then finds the migrations
 * recorded and applies none.
 */
export const MIGRATION_LOCK_KEY = 1_668_313_709;

/**
 * Applies, in order and each in its own transaction, the migrations not yet recorded in
 * `schema_migrations`, holding the session advisory lock {@link MIGRATION_LOCK_KEY} throughout
 * (so that ten processes starting at once apply each migration once). Returns the names it applied.
 */
export async function applyPgMigrations(client: pg.ClientBase, migrations: readonly Migration[]): Promise<string[]> {
  // Up to date already (every start but the first after an upgrade): nothing to lock, nothing to
  // create, which also lets a user who may only read open the ledger.
  const recorded = await client.query<{ name: string }>('SELECT name FROM schema_migrations').catch(() => undefined);
  if (recorded !== undefined && migrations.every((m) => recorded.rows.some((r) => r.name === m.name))) return [];
  await client.query('SELECT pg_advisory_lock($1)', [MIGRATION_LOCK_KEY]);
  try {
    await client.query('CREATE TABLE IF NOT EXISTS schema_migrations (name TEXT PRIMARY KEY, applied_at BIGINT NOT NULL)');
    const done = new Set((await client.query<{ name: string }>('SELECT name FROM schema_migrations')).rows.map((r) => r.name));
    const applied: string[] = [];
    for (const migration of migrations) {
      if (done.has(migration.name)) continue;
      await client.query('BEGIN');
      try {
        await client.query(migration.up);
        await client.query('INSERT INTO schema_migrations (name, applied_at) VALUES ($1, $2)', [migration.name, Date.now()]);
        await client.query('COMMIT');
      } catch (error) {
        await client.query('ROLLBACK').catch(() => {});
        throw error;
      }
      applied.push(migration.name);
    }
    return applied;
  } finally {
    await client.query('SELECT pg_advisory_unlock($1)', [MIGRATION_LOCK_KEY]).catch(() => {});
  }
}

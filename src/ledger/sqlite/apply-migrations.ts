import type { Database } from 'better-sqlite3';
import type { Migration } from './migrations/migration.js';

/**
 * Applies, in order and each in its own transaction, the migrations not yet recorded in
 * `schema_migrations`. Returns the names it applied.
 */
export function applyMigrations(db: Database, migrations: readonly Migration[]): string[] {
  db.exec(`CREATE TABLE IF NOT EXISTS schema_migrations (
    name TEXT PRIMARY KEY, applied_at INTEGER NOT NULL)`);
  const done = new Set(
    db.prepare('SELECT name FROM schema_migrations').pluck().all() as string[],
  );
  const record = db.prepare('INSERT INTO schema_migrations (name, applied_at) VALUES (?, ?)');
  const applied: string[] = [];
  for (const migration of migrations) {
    if (done.has(migration.name)) continue;
    db.transaction(() => {
      db.exec(migration.up);
      record.run(migration.name, Date.now());
    })();
    applied.push(migration.name);
  }
  return applied;
}

import type { Database } from 'better-sqlite3';

/**
 * Memoises, per connection, what `prepare` builds from it (prepared statements, which live as
 * long as their connection and must not be shared with another).
 *
 * @example
 * const statements = perConnection((db) => ({ count: db.prepare('SELECT COUNT(*) FROM llm_calls').pluck() }));
 * statements(db).count.get();
 */
export function perConnection<T>(prepare: (db: Database) => T): (db: Database) => T {
  const cache = new WeakMap<Database, T>();
  return (db) => {
    let prepared = cache.get(db);
    if (prepared === undefined) {
      prepared = prepare(db);
      cache.set(db, prepared);
    }
    return prepared;
  };
}

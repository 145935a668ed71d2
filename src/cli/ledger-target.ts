/**
 * Where a command's ledger is: a SQLite file (a path, the default) or a PostgreSQL database (a
 * `postgres://` or `postgresql://` URL), and how to show it without its password.
 */
import { describeDb, isPostgresUrl } from '../ledger/describe-db.js';

export { describeDb, isPostgresUrl, redactPassword } from '../ledger/describe-db.js';

/**
 * A PostgreSQL URL without its password, for a command line to show (`pg_dump` then reads it
 * from PGPASSWORD or ~/.pgpass); a path as it is.
 *
 * @example
 * urlWithoutPassword('postgres://cpr:s3cret@db:5432/cpr'); // 'postgres://cpr@db:5432/cpr'
 */
export function urlWithoutPassword(db: string): string {
  if (!isPostgresUrl(db)) return db;
  try {
    const url = new URL(db.trim());
    url.password = '';
    url.searchParams.delete('password');
    return url.toString();
  } catch {
    return describeDb(db);
  }
}

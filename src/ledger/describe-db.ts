/**
 * How a ledger is named in messages. A PostgreSQL URL carries a password; it never appears in a
 * log line, an error, `/healthz`, a span or a report: everything that names a ledger goes
 * through {@link describeDb}.
 */

const POSTGRES_URL = /^postgres(ql)?:\/\//i;

/** True when `db` names a PostgreSQL ledger (`postgres://` or `postgresql://`), false for a SQLite path. */
export function isPostgresUrl(db: string): boolean {
  return POSTGRES_URL.test(db);
}

/**
 * `db` for messages: a path as it is; a PostgreSQL URL with its password replaced by `***`
 * (also a `password=` query parameter), or `postgres://(unparsable URL)` when it cannot be parsed.
 *
 * @example
 * describeDb('postgres://cpr:s3cret@db:5432/cpr?sslmode=require'); // 'postgres://cpr:***@db:5432/cpr?sslmode=require'
 */
export function describeDb(db: string): string {
  if (!isPostgresUrl(db)) return db;
  let url: URL;
  try {
    url = new URL(db);
  } catch {
    return `${db.slice(0, db.indexOf(':'))}://(unparsable URL)`;
  }
  if (url.password !== '') url.password = '***';
  if (url.searchParams.has('password')) url.searchParams.set('password', '***');
  return url.toString();
}

/** Replaces every occurrence of `db`'s password in `text` by `***` (for a driver's error message that may quote it). */
export function redactPassword(text: string, db: string): string {
  if (!isPostgresUrl(db)) return text;
  let password = '';
  try {
    const url = new URL(db);
    password = decodeURIComponent(url.password) || (url.searchParams.get('password') ?? '');
  } catch {
    return text;
  }
  return password === '' ? text : text.split(password).join('***');
}

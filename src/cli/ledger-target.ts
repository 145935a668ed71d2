/**
 * Where a command's ledger is: a SQLite file (a path, the default) or a PostgreSQL database (a
 * `postgres://` or `postgresql://` URL), and how to print it without its password.
 */

/** Whether `db` names a PostgreSQL database (a URL) rather than a SQLite file. */
export function isPostgresUrl(db: string): boolean {
  return /^postgres(ql)?:\/\//i.test(db.trim());
}

/** The password of a PostgreSQL URL, as written and decoded; none for a path or a URL without one. */
function passwordsOf(db: string): string[] {
  if (!isPostgresUrl(db)) return [];
  let written: string;
  try {
    written = new URL(db.trim()).password;
  } catch {
    // Not parseable as a URL: take what stands between the user's colon and the last @ of the authority.
    written = /^[a-z]+:\/\/[^:/@]*:([^/]*)@/i.exec(db.trim())?.[1] ?? '';
  }
  if (written === '') return [];
  let decoded = written;
  try {
    decoded = decodeURIComponent(written);
  } catch {
    // A malformed escape: the password is what was written.
  }
  return [...new Set([written, decoded])].sort((a, b) => b.length - a.length);
}

/**
 * `text` with every occurrence of `db`'s password replaced by `***`: for messages that quote a
 * URL or a driver's error, which may repeat it.
 *
 * @example
 * withoutPassword('cannot reach postgres://cpr:s3cret@db:5432/cpr', 'postgres://cpr:s3cret@db:5432/cpr');
 * // 'cannot reach postgres://cpr:***@db:5432/cpr'
 */
export function withoutPassword(text: string, db: string): string {
  let out = text;
  for (const password of passwordsOf(db)) {
    out = out.split(`:${password}@`).join(':***@');
    // Alone too (a driver may quote it), unless it is so short that it would mask ordinary words.
    if (password.length >= 4) out = out.split(password).join('***');
  }
  return out;
}

/** `db` as a message may show it: a path as is, a URL with its password replaced by `***`. */
export function printableLedger(db: string): string {
  return withoutPassword(db, db);
}

/** A PostgreSQL URL without its password (for a command to show: `pg_dump` then reads PGPASSWORD or ~/.pgpass). */
export function urlWithoutPassword(db: string): string {
  try {
    const url = new URL(db.trim());
    url.password = '';
    return url.toString();
  } catch {
    return printableLedger(db);
  }
}

import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import ts from 'typescript';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

/*
 * All SQL is parameterised: no value that came from input is ever spliced into SQL text.
 * (1) An audit parses every file of src/ with the TypeScript compiler and lists each template
 * literal that holds SQL and interpolates something; each interpolation must be one of the
 * reviewed constants below. (2) Hostile ids and events go through the real server and come
 * back out of the ledger byte for byte, with every table intact.
 */

/**
 * The interpolations into SQL text that were reviewed, by file: none carries input. A new one
 * fails this test until it is reviewed (and, if it is a constant, added here with the reason).
 */
const REVIEWED: Record<string, string[]> = {
  // Column names and one `?` per column: constants.
  'src/ledger/sqlite/call-store.ts': ["COLUMNS.join(', ')", "COLUMNS.map(() => '?').join(', ')"],
  // A constant fragment of column expressions.
  'src/ledger/sqlite/ticket-store.ts': ['SPEND_COLUMNS'],
  // A number (the option is typed number and truncated), or a field set from one.
  'src/ledger/sqlite/sqlite-ledger.ts': ['Math.max(0, Math.trunc(busyTimeoutMs))', 'this.#busyTimeoutMs'],
  // A number, truncated to an integer >= 0 in the constructor.
  'src/helpdesks/delivery-writer.ts': ['this.#busyTimeoutMs'],
  // The report's SQL, built from constant fragments: column lists (and one `?` per column),
  // sums, the kept-ticket filter, the temp-table restrictions, and the facts SQL's own parts.
  // `table` is typed as the union of cpr-meter's temp table names.
  'src/ledger/sqlite/report-cache.ts': ['FACTS_TEMP_TABLES', 'columns', 'keptColumns', 'keptModelColumns',
    "KEPT_COLUMNS.map(() => '?').join(', ')", "KEPT_MODEL_COLUMNS.map(() => '?').join(', ')", 'NOT_SET_APART',
    'KEPT_IN_WINDOW', 'SUM_SPEND', 'notUnstable', 'table', 'ticketFactsSql({ restricted: false })',
    'ticketFactsSql({ restricted: true })'],
  // `restricted` is a boolean: it only chooses between constant fragments.
  'src/ledger/sqlite/ticket-facts-sql.ts': ['IN_TICKETS', 'IN_CONVERSATIONS', 'SPEND_COLUMNS', 'WORK_HOURLY_RATE', 'callGroups(restricted)',
    'eventFacts(restricted)', 'conversationsWhere', 'groupBy', 'select', 'where',
    "restricted ? `AND l.ticket_id ${IN_TICKETS}` : ''", "restricted ? `AND ticket_id ${IN_TICKETS}` : ''",
    "restricted ? `WHERE ticket_id ${IN_TICKETS}` : ''"],
  // The ticket list: constant column lists and filters, the kept-ticket filter, and `where` and
  // `order`, which only join constant fragments chosen by typed options (values are parameters).
  'src/ledger/sqlite/ticket-page.ts': ['ROW_COLUMNS', 'KEPT_IN_WINDOW', 'where', 'ORDER_SQL[order]'],
  // A ticket's timeline: the constant conversation map, column lists and the work-rate fragment.
  'src/ledger/sqlite/ticket-timeline.ts': ['CONV_MAP', 'CALL_COLUMNS', 'HANDOFF_COLUMNS', 'WORK_COLUMNS', 'STATUS_COLUMNS', 'WORK_HOURLY_RATE'],
  // PostgreSQL: column names, and each column read from the row array by position and cast to its
  // type, from a constant list of names and types (the rows themselves are one jsonb parameter).
  'src/ledger/postgres/call-rows.ts': ["COLUMNS.map(([name]) => name).join(', ')", "COLUMNS.map(fromJson).join(', ')"],
  // The facts SQL of PostgreSQL, built as SQLite's from constant fragments; `restricted` (a
  // boolean) only chooses between them; the restrictions themselves are array parameters.
  'src/ledger/postgres/pg-facts-sql.ts': ['IN_TICKETS', 'IN_CONVERSATIONS', 'CALL_GROUP_BY', 'PG_MODEL', 'PG_SPEND_COLUMNS',
    'PG_WORK_HOURLY_RATE', 'calls', 'conversations', 'events', 'links', 'tickets', 'folded'],
  'src/ledger/postgres/pg-report-input.ts': ['PG_MODEL', 'PG_SPEND_COLUMNS'],
  'src/ledger/postgres/pg-ticket-timeline.ts': ['CONV_MAP', 'CALL_COLUMNS', 'HANDOFF_COLUMNS', 'WORK_COLUMNS', 'STATUS_COLUMNS', 'WORK_RATE'],
  // The kept facts' fold: the constant "row not seen by the snapshot" predicate (the snapshot is a
  // parameter), sums, and the kept-ticket filter (its window and tickets are parameters).
  'src/ledger/postgres/pg-fold-sql.ts': ['NEW_ROW', 'SUM_SPEND', 'SUM_HUMAN', 'KEPT_IN_WINDOW'],
  // The ticket list: constant filters (their values and modes are parameters), the loaded-cost
  // expression, and ORDER_SQL[...], chosen by the typed sort and order options.
  'src/ledger/postgres/pg-ticket-explorer.ts': ['KEPT_PAGE_WHERE', 'LOADED', 'PAGE_SQL', 'ORDER_SQL[`${sort} ${order}`]'],
  // The isolation level, typed as the union of two constant names.
  'src/ledger/postgres/pg-connection.ts': ['isolation'],
  // `table` is typed 'llm_calls' | 'events'; the timeout as above.
  'src/ledger/sqlite/backup.ts': ['table', 'Math.max(0, Math.trunc(busyTimeoutMs))'],
};

// Words that make a template literal SQL: statements, clauses and the pragmas cpr-meter sets.
const SQL = /\b(SELECT|INSERT|UPDATE|DELETE|CREATE|DROP|ALTER|PRAGMA|VACUUM|ATTACH|WHERE|VALUES)\b|\b(busy_timeout|journal_mode|synchronous|foreign_keys|wal_checkpoint)\b/;

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    return statSync(path).isDirectory() ? sourceFiles(path) : path.endsWith('.ts') ? [path] : [];
  });
}

/** Every SQL template literal with interpolations: file, line, and the interpolated expressions. */
function sqlInterpolations(): Array<{ file: string; line: number; text: string; expressions: string[] }> {
  const found: Array<{ file: string; line: number; text: string; expressions: string[] }> = [];
  for (const file of sourceFiles('src')) {
    const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
    const visit = (node: ts.Node): void => {
      if (ts.isTemplateExpression(node)) {
        const text = [node.head.text, ...node.templateSpans.map((s) => s.literal.text)].join('${}');
        if (SQL.test(text)) {
          found.push({
            file: file.split('\\').join('/'),
            line: source.getLineAndCharacterOfPosition(node.getStart()).line + 1,
            text: text.trim().slice(0, 80),
            expressions: node.templateSpans.map((s) => s.expression.getText(source)),
          });
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(source);
  }
  return found;
}

describe('the SQL in src/', () => {
  it('interpolates nothing but reviewed constants: every value is a bound parameter', () => {
    const found = sqlInterpolations();
    // The audit does find the SQL it audits.
    expect(found.some((f) => f.file.endsWith('call-store.ts'))).toBe(true);
    const unreviewed = found.flatMap((f) => f.expressions
      .filter((expression) => !(REVIEWED[f.file] ?? []).includes(expression))
      .map((expression) => `${f.file}:${f.line} \${${expression}} in \`${f.text}\``));
    expect(unreviewed).toEqual([]);
  });
});

describe('hostile values through the real server', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness();
  });
  afterAll(async () => h.close());

  const HOSTILE = [
    "T-1'); DROP TABLE llm_calls; --",
    'T-2" OR 1=1 --',
    "T-3' UNION SELECT sql FROM sqlite_master --",
    'T-4; PRAGMA writable_schema = 1;',
    "O'Brien",
  ];

  it('stores ids from headers and events exactly as given, and every table survives', async () => {
    const tables = () => h.cpr.ledger.db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
    const before = tables();
    for (const id of HOSTILE) {
      await h.client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
        { headers: { 'x-cpr-ticket-id': id, 'x-cpr-conversation-id': id, 'x-cpr-category': id } });
    }
    const events = HOSTILE.map((id) => ({ type: 'ticket.opened', ticketId: id, category: id, eventId: id }));
    const res = await fetch(`${h.cpr.url}/api/events`, { method: 'POST', body: JSON.stringify(events) });
    expect(await res.json()).toEqual({ accepted: HOSTILE.length, duplicates: 0, conflicts: [], warnings: [] });

    expect(tables()).toEqual(before);
    expect(h.rows().map((r) => r.ticket_id)).toEqual(HOSTILE);
    const stored = h.cpr.ledger.db.prepare('SELECT ticket_id, category FROM tickets ORDER BY ticket_id').all();
    expect(stored).toEqual([...HOSTILE].sort().map((id) => ({ ticket_id: id, category: id })));
    // A report groups by them without error, and names each one.
    const report = await fetch(`${h.cpr.url}/api/report?groupBy=category`);
    expect(report.status).toBe(200);
    const keys = ((await report.json()) as { groups: Array<{ key: string }> }).groups.map((g) => g.key);
    for (const id of HOSTILE) expect(keys).toContain(id);
  });

  it('treats report query parameters as values too', async () => {
    const res = await fetch(`${h.cpr.url}/api/report?from=${encodeURIComponent("2026-01-01' OR 1=1 --")}`);
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { param: 'from' } });
  });
});

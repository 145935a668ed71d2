import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { migrations } from '../../src/ledger/sqlite/migrations/index.js';
import { openSqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import { applyMigrations } from '../../src/ledger/sqlite/apply-migrations.js';
import { insertEvents, loadReportInput } from '../../src/ledger/sqlite/ticket-store.js';
import { computeReport } from '../../src/reports/compute-report.js';
import { events, iso, T, WINDOW } from '../support/events.js';
import { insertCalls } from '../support/open-test-db.js';

const folder = fileURLToPath(new URL('../../src/ledger/sqlite/migrations/', import.meta.url));
let dir: string | undefined;
afterEach(() => { if (dir) rmSync(dir, { recursive: true, force: true }); dir = undefined; });

describe('SQLite migrations', () => {
  it('applies every migration file in the folder, each under its file name, once', () => {
    const files = readdirSync(folder).filter((name) => /^\d{3}-.*\.ts$/.test(name)).map((name) => name.replace(/\.ts$/, ''));
    // A migration file left out of the index is never applied (009 was, for a while).
    expect(migrations.map((m) => m.name)).toEqual(files.sort());
  });

  it('gives a new ledger the index that finds a customer\'s tickets', async () => {
    dir = mkdtempSync(join(tmpdir(), 'cpr-migrations-'));
    const path = join(dir, 'ledger.db');
    const ledger = openSqliteLedger({ path });
    await ledger.close();
    const db = new Database(path, { readonly: true });
    const applied = db.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all();
    const plan = db.prepare("EXPLAIN QUERY PLAN SELECT ticket_id FROM tickets WHERE customer_id = 'acme'").all() as { detail: string }[];
    db.close();
    expect(applied).toContain('009-tickets-by-customer');
    expect(plan.map((row) => row.detail).join(' ')).toContain('tickets_customer');
  });

  it('makes a ledger kept before 012 (no customer on its kept tickets) fold them again, so that a report by customer reads each one\'s', () => {
    dir = mkdtempSync(join(tmpdir(), 'cpr-migrations-'));
    const db = new Database(join(dir, 'ledger.db'));
    applyMigrations(db, migrations.filter((m) => m.name < '012'));
    insertEvents(db, events([{ type: 'ticket.opened', at: iso(T), ticketId: 'A', customerId: 'acme' }]));
    insertCalls(db, [{ id: 'c1', startedAt: T + 1_000, ticketId: 'A', costUsd: 0.25 }]);
    // The kept row 011's code wrote for A (one call, opened and last at T + 1 s, no outcome but
    // one conversation), and the cache state saying it holds every call and event.
    db.prepare(`INSERT INTO report_ticket_facts (ticket_id, opened_at, last_at, key_time, key_day, outcome, category, channel,
        conversations, with_calls, calls, unpriced, estimated, input_tokens, cached_tokens, output_tokens, reasoning_tokens,
        cost_usd, human_cost_usd, human_unpriced_seconds, human_rated_usd)
      VALUES ('A', ?, ?, ?, ?, 0, NULL, NULL, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0.25, 0, 0, 0)`).run(T, T + 1_000, T, T - (T % 86_400_000));
    db.prepare(`UPDATE report_cache_state SET calls_rowid = (SELECT MAX(rowid) FROM llm_calls),
      events_seq = (SELECT MAX(seq) FROM events), built_generation = generation`).run();
    applyMigrations(db, migrations);
    const report = computeReport(loadReportInput(db, { window: WINDOW, groupBy: 'customer' }), { groupBy: 'customer' });
    db.close();
    // One ticket, acme's, with its one call of $0.25; without the rebuild it would be read with no customer.
    expect(report.groups.map((g) => [g.key, g.tickets, g.llmCostUsd])).toEqual([['acme', 1, 0.25]]);
  });
});


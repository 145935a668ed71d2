import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { pruneCalls } from '../../src/ledger/sqlite/prune.js';
import { insertEvents, loadReportInput } from '../../src/ledger/sqlite/ticket-store.js';
import { computeReport } from '../../src/reports/compute-report.js';
import { events, HOUR, iso, T, WINDOW } from '../support/events.js';
import { insertCalls, openTestDb, type TestDb } from '../support/open-test-db.js';


describe('the report cache', () => {
  let t: TestDb;
  beforeEach(() => {
    t = openTestDb();
    insertEvents(t.db, events([
      { type: 'ticket.opened', at: iso(T), ticketId: 'A', category: 'billing' },
      { type: 'conversation.linked', at: iso(T), conversationId: 'C1', ticketId: 'A' },
      { type: 'ticket.resolved', at: iso(T + HOUR), ticketId: 'A', by: 'ai' },
      { type: 'ticket.opened', at: iso(T), ticketId: 'B' },
      { type: 'human.work', at: iso(T), ticketId: 'B', seconds: 900 },
    ]));
    insertCalls(t.db, [
      { id: 'k1', startedAt: T, conversationId: 'C1', costUsd: 0.25 },
      { id: 'k2', startedAt: T + HOUR, conversationId: 'C1', costUsd: 0.5 },
    ]);
  });
  afterEach(() => t.cleanup());

  const state = () => t.db.prepare('SELECT calls_rowid, events_seq, built_generation, generation FROM report_cache_state').raw().get();
  const kept = () => t.db.prepare('SELECT ticket_id, last_at, key_time, outcome, cost_usd FROM report_ticket_facts ORDER BY ticket_id').raw().all();
  const report = (db = t.db, { rate = 40, to = WINDOW.to } = {}) => {
    const input = loadReportInput(db, { window: { from: WINDOW.from, to }, humanHourlyRate: rate });
    const { totals, groups } = computeReport(input, { groupBy: 'category' });
    return {
      tickets: totals.tickets, resolved: totals.resolved, llmUsd: totals.llmCostUsd, humanUsd: totals.humanCostUsd,
      llmByCategory: Object.fromEntries(groups.map((g) => [g.key, g.llmCostUsd])),
    };
  };

  it('keeps each ticket\'s facts, classified, after a report, and recomputes only what changed since', () => {
    expect(state()).toEqual([null, null, 0, 0]);
    // A: calls 0.25 + 0.50; B: 900 s at $40/h = $10.
    expect(report()).toEqual({ tickets: 2, resolved: 1, llmUsd: 0.75, humanUsd: 10, llmByCategory: { billing: 0.75, '(none)': 0 } });
    expect(state()).toEqual([2, 5, 0, 0]);
    // A: resolved (1), AI-handled (2), one conversation (16), keyed by its resolution; B: open, no conversation (16), keyed by its opening.
    expect(kept()).toEqual([['A', T + HOUR, T + HOUR, 19, 0.75], ['B', T, T, 16, 0]]);

    // One call of C1 and a human resolution of B later: A and B are refreshed, and the hourly rate is the report's.
    insertCalls(t.db, [{ id: 'k3', startedAt: T + 2 * HOUR, conversationId: 'C1', costUsd: 1 }]);
    insertEvents(t.db, events([{ type: 'ticket.resolved', at: iso(T + 3 * HOUR), ticketId: 'B', by: 'human', confirmed: true }]));
    expect(report(t.db, { rate: 80 })).toEqual({ tickets: 2, resolved: 2, llmUsd: 1.75, humanUsd: 20, llmByCategory: { billing: 1.75, '(none)': 0 } });
    expect(state()).toEqual([3, 6, 0, 0]);
    expect(kept()).toEqual([['A', T + 2 * HOUR, T + HOUR, 19, 1.75], ['B', T + 3 * HOUR, T + 3 * HOUR, 17, 0]]);
  });

  it('is rebuilt after calls are deleted or changed (prune, reprice)', async () => {
    report();
    expect(await pruneCalls({ db: t.db, before: T + 1, pauseMs: 0 })).toMatchObject({ deleted: 1 });
    expect(state()).toEqual([2, 5, 0, 1]); // generation bumped: the rows no longer hold
    expect(report().llmUsd).toBe(0.5);
    expect(state()).toEqual([2, 5, 1, 1]);
    t.db.prepare('UPDATE llm_calls SET cost_usd = cost_usd * 3').run();
    expect(report().llmUsd).toBe(1.5);
  });

  it('works on a read-only connection, leaving what is kept as it was', () => {
    const readOnly = new BetterSqlite3(t.path, { readonly: true });
    try {
      expect(report(readOnly).llmUsd).toBe(0.75);
      expect(state()).toEqual([null, null, 0, 0]);
      report();
      insertCalls(t.db, [{ id: 'k3', startedAt: T + 2 * HOUR, conversationId: 'C1', costUsd: 1 }]);
      expect(report(readOnly).llmUsd).toBe(1.75);
      expect(state()).toEqual([2, 5, 0, 0]);
    } finally {
      readOnly.close();
    }
  });

  it('recomputes, for a report ending before them, the tickets with later facts or relinked conversations', () => {
    report();
    // C1 moves to B at T + 5 h: as of T + 4 h its calls are still A's (billing), and as of T + 6 h they are B's.
    insertEvents(t.db, events([{ type: 'conversation.linked', at: iso(T + 5 * HOUR), conversationId: 'C1', ticketId: 'B' }]));
    expect(report(t.db, { to: T + 6 * HOUR }).llmByCategory).toEqual({ billing: 0, '(none)': 0.75 });
    expect(report(t.db, { to: T + 4 * HOUR }).llmByCategory).toEqual({ billing: 0.75, '(none)': 0 });
  });

  it('sets apart a conversation first linked after a report\'s end when it has facts before it, and only then', () => {
    report();
    // C2 calls at T + 2 h (0.40), unlinked: as of T + 4 h it is its own ticket, (none). Linked to A at T + 5 h.
    insertCalls(t.db, [{ id: 'k3', startedAt: T + 2 * HOUR, conversationId: 'C2', costUsd: 0.4 }]);
    // C3: every fact after T + 4 h (a call at T + 5 h, linked to B at T + 5 h): nothing a report ending at T + 4 h sees.
    insertCalls(t.db, [{ id: 'k4', startedAt: T + 5 * HOUR, conversationId: 'C3', costUsd: 0.8 }]);
    insertEvents(t.db, events([
      { type: 'conversation.linked', at: iso(T + 5 * HOUR), conversationId: 'C2', ticketId: 'A' },
      { type: 'conversation.linked', at: iso(T + 5 * HOUR), conversationId: 'C3', ticketId: 'B' },
    ]));
    report(); // keeps the facts as of now: C2's call in A's, C3's in B's
    // As of T + 4 h: A (billing) has C1's .75; C2 is its own ticket (.40, no category); B has no call; C3 does not exist yet.
    expect(report(t.db, { to: T + 4 * HOUR })).toMatchObject({ tickets: 3, llmByCategory: { billing: 0.75, '(none)': 0.4 } });
    // As of T + 6 h: A has .75 + .40 = 1.15; B has C3's .80.
    expect(report(t.db, { to: T + 6 * HOUR }).llmByCategory).toEqual({ billing: 1.15, '(none)': 0.8 });
  });
});

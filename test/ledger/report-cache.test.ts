import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ledger } from '../../src/ledger/open-ledger.js';
import { pruneCalls } from '../../src/ledger/sqlite/prune.js';
import { insertEvents, loadReportInput } from '../../src/ledger/sqlite/ticket-store.js';
import { computeReport } from '../../src/reports/compute-report.js';
import { events, HOUR, iso, T, WINDOW } from '../support/events.js';
import { LEDGER_STORES, useLedgerStore } from '../support/ledger-stores.js';
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

/**
 * A conversation's implicit ticket, opened by a `ticket.opened` of the conversation's id, stands
 * until the conversation is linked to another ticket: a report ending before that link counts it.
 * The kept facts (as of every fact) no longer hold it, so a report ending before the link must
 * set the conversation apart even when its only fact before the end is that opening (property
 * test history, seed 1404856852).
 */
describe.each(LEDGER_STORES)('the report cache, an implicit ticket whose conversation is linked after a report\'s end, on $kind', (factory) => {
  const store = useLedgerStore(factory);
  // [22:00 the day before, 01:00): ends when c2 is linked to T1. The whole day: after it.
  const early = { from: T - 2 * HOUR, to: T + HOUR };
  const day = { from: T - 24 * HOUR, to: T + 24 * HOUR };
  const figures = async (ledger: Ledger, window: { from: number; to: number }) => {
    const { totals, resolvedWithoutActivity } = computeReport(await ledger.reportInput({ window }));
    return { tickets: totals.tickets, resolved: totals.resolved, unresolved: totals.unresolved, humanOnly: totals.humanOnly,
      humanOnlyResolved: totals.humanOnlyResolved, conversations: totals.conversations, humanUsd: totals.humanCostUsd,
      resolvedWithoutActivity };
  };
  const record = async (input: unknown[]) => void await store.current.ledger.recordEvents(events(input));

  it('counts the implicit ticket, opened and nothing else, in a report ending at the link: first, kept, and read-only', async () => {
    await store.current.reset();
    await record([
      { type: 'conversation.linked', conversationId: 'c2', ticketId: 'T1', at: iso(T + HOUR) },
      { type: 'ticket.opened', ticketId: 'c2', at: iso(T) },
    ]);
    // As of 01:00, c2 is linked to nothing: ticket c2, opened at 00:00 (in the window), unresolved,
    // no LLM call: 1 ticket, human-only, no conversation of its own recorded (the opening names none).
    const asOfLink = { tickets: 1, resolved: 0, unresolved: 1, humanOnly: 1, humanOnlyResolved: 0, conversations: 0, humanUsd: 0,
      resolvedWithoutActivity: 0 };
    expect(await figures(store.current.ledger, early)).toEqual(asOfLink); // the first report: every ticket folded
    // The whole day, as of its end: c2 belongs to T1, so ticket c2 is no ticket; T1, with the link
    // alone (activity: opened at 01:00), is 1 ticket, unresolved, human-only, with 1 conversation.
    expect(await figures(store.current.ledger, day)).toEqual({ ...asOfLink, conversations: 1 });
    // Again before the link, now that T1 is kept as of every fact (and ticket c2 is not kept at all).
    expect(await figures(store.current.ledger, early)).toEqual(asOfLink);
    expect(await figures(await store.current.openReader(), early)).toEqual(asOfLink);
    // The property's fourth step: 0 s of work on T1 at 00:00 changes no count (T1 opens at 00:00, still one ticket).
    await record([{ type: 'human.work', ticketId: 'T1', at: iso(T), seconds: 0 }]);
    expect(await figures(store.current.ledger, day)).toEqual({ ...asOfLink, conversations: 1 });
  });

  it('counts the implicit ticket resolved before the link as opened, not as resolved without activity', async () => {
    await store.current.reset();
    await record([
      { type: 'ticket.opened', ticketId: 'c2', at: iso(T) },
      { type: 'ticket.resolved', ticketId: 'c2', at: iso(T + HOUR / 2), by: 'human' },
      { type: 'conversation.linked', conversationId: 'c2', ticketId: 'T1', at: iso(T + HOUR) },
    ]);
    // As of 01:00: ticket c2 opened at 00:00 and resolved by a human at 00:30: 1 ticket, resolved,
    // human-only; its opening is activity of its own, so it is not resolved without activity.
    const asOfLink = { tickets: 1, resolved: 1, unresolved: 0, humanOnly: 1, humanOnlyResolved: 1, conversations: 0, humanUsd: 0,
      resolvedWithoutActivity: 0 };
    expect(await figures(store.current.ledger, early)).toEqual(asOfLink);
    // The whole day: c2 belongs to T1, so the opening of ticket c2 is no longer its own; c2 keeps
    // its resolution alone (resolved without activity), and T1 its link (unresolved, 1 conversation):
    // 2 tickets, 1 resolved + 1 unresolved, both human-only.
    expect(await figures(store.current.ledger, day)).toEqual({ tickets: 2, resolved: 1, unresolved: 1, humanOnly: 2, humanOnlyResolved: 1,
      conversations: 1, humanUsd: 0, resolvedWithoutActivity: 1 });
    // Before the link again, with c2 kept as of every fact (without activity): it is set apart and counted as of 01:00.
    expect(await figures(store.current.ledger, early)).toEqual(asOfLink);
    expect(await figures(await store.current.openReader(), early)).toEqual(asOfLink);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldTicketFacts } from '../../src/ledger/sqlite/report-cache.js';
import { insertEvents, loadReportInput } from '../../src/ledger/sqlite/ticket-store.js';
import { computeReport } from '../../src/reports/compute-report.js';
import { attributionEvents } from '../../src/tickets/attribution-linker.js';
import { events, HOUR, iso, T, WINDOW } from '../support/events.js';
import { insertCalls, openTestDb, type TestDb } from '../support/open-test-db.js';

/*
 * A conversation relinked to another ticket leaves nothing on its former ticket: neither its
 * implicit ticket (chat-1: the bot sent x-cpr-category before the helpdesk ticket existed, which
 * opened ticket "chat-1" with that category) nor a ticket that only its link made (T-A: the bot
 * named the wrong ticket in x-cpr-ticket-id). Before, both stayed in scope as empty, unresolved,
 * human-only tickets: 4 tickets, 2 unresolved, 2 human-only, for 2 real ones.
 */

describe('a relinked conversation', () => {
  let t: TestDb;
  beforeEach(() => {
    t = openTestDb();
    // At T, what the proxy records from the headers, as the attribution linker turns them into events.
    insertEvents(t.db, [
      ...attributionEvents({ conversationId: 'chat-1', ticketId: null, customerId: null, channel: null, category: 'billing' }, T),
      ...attributionEvents({ conversationId: 'chat-2', ticketId: 'T-A', customerId: null, channel: null, category: null }, T),
    ]);
    insertCalls(t.db, [
      { id: 'k1', startedAt: T, conversationId: 'chat-1', costUsd: 0.002 },
      { id: 'k2', startedAt: T, conversationId: 'chat-2', ticketId: 'T-A', costUsd: 0.003 },
    ]);
  });
  afterEach(() => t.cleanup());

  const relink = () => insertEvents(t.db, events([
    // An hour later the helpdesk links both conversations to their real tickets, which are resolved.
    { type: 'conversation.linked', at: iso(T + HOUR), conversationId: 'chat-1', ticketId: 'T-9' },
    { type: 'conversation.linked', at: iso(T + HOUR), conversationId: 'chat-2', ticketId: 'T-B' },
    { type: 'human.work', at: iso(T + 2 * HOUR), ticketId: 'T-9', seconds: 900 },
    { type: 'ticket.resolved', at: iso(T + 2 * HOUR), ticketId: 'T-9', by: 'human' },
    { type: 'ticket.resolved', at: iso(T + 2 * HOUR), ticketId: 'T-B', by: 'ai' },
  ]));

  const figures = (to: number, kept: boolean) => {
    const window = { from: WINDOW.from, to };
    const input = loadReportInput(t.db, { window, humanHourlyRate: 40 });
    const report = computeReport(kept ? input : { ...input, tickets: foldTicketFacts(t.db, input), ticketClasses: undefined, ticketClassModels: undefined });
    const { tickets, resolved, unresolved, aiHandled, humanOnly, escalated, contained, totalCostUsd } = report.totals;
    return { tickets, resolved, unresolved, aiHandled, humanOnly, escalated, contained, totalCostUsd };
  };

  it('before the relink, each conversation counts on the ticket it then had', () => {
    // chat-1 is its own implicit ticket, chat-2 is T-A's: two AI-handled tickets, unresolved; $0.002 + $0.003.
    const before = { tickets: 2, resolved: 0, unresolved: 2, aiHandled: 2, humanOnly: 0, escalated: 0, contained: 2, totalCostUsd: 0.005 };
    expect(figures(WINDOW.to, true)).toEqual(before);
    expect(figures(WINDOW.to, false)).toEqual(before);
  });

  it('after it, the former tickets are out of scope, from scratch and from the kept tickets alike', () => {
    figures(WINDOW.to, true); // keeps the tickets as they were
    relink();
    // T-9: chat-1's $0.002 + 900 s at $40/h = $10, resolved by a human (escalated). T-B: chat-2's $0.003,
    // resolved by the bot (contained). Total $10.005; nothing unresolved, nothing human-only.
    const after = { tickets: 2, resolved: 2, unresolved: 0, aiHandled: 2, humanOnly: 0, escalated: 1, contained: 1, totalCostUsd: 10.005 };
    expect(figures(WINDOW.to, false)).toEqual(after);
    expect(figures(WINDOW.to, true)).toEqual(after);
    expect(figures(WINDOW.to, true)).toEqual(after); // now read from the kept tickets
    expect(t.db.prepare('SELECT ticket_id FROM report_ticket_facts ORDER BY ticket_id').pluck().all()).toEqual(['T-9', 'T-B']);
    // A window that ends before the relink still sees the tickets as they were then.
    const then = { tickets: 2, resolved: 0, unresolved: 2, aiHandled: 2, humanOnly: 0, escalated: 0, contained: 2, totalCostUsd: 0.005 };
    expect(figures(T + HOUR / 2, true)).toEqual(then);
    expect(figures(T + HOUR / 2, false)).toEqual(then);
  });

  it('a ticket opened by the helpdesk keeps its place when a conversation leaves it', () => {
    relink();
    insertEvents(t.db, events([{ type: 'ticket.opened', at: iso(T), ticketId: 'T-A', category: 'returns' }]));
    // T-A was opened for real: an open, human-only ticket with nothing spent yet. 3 tickets, $10.005.
    const expected = { tickets: 3, resolved: 2, unresolved: 1, aiHandled: 2, humanOnly: 1, escalated: 1, contained: 1, totalCostUsd: 10.005 };
    expect(figures(WINDOW.to, false)).toEqual(expected);
    expect(figures(WINDOW.to, true)).toEqual(expected);
  });
});

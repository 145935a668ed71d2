import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { foldTicketFacts } from '../../src/ledger/sqlite/report-cache.js';
import { insertEvents, loadReportInput } from '../../src/ledger/sqlite/ticket-store.js';
import { computeReport } from '../../src/reports/compute-report.js';
import { formatReport } from '../../src/reports/format-report.js';
import type { Report } from '../../src/reports/types.js';
import { events, HOUR, iso, T, WINDOW } from '../support/events.js';
import { insertCalls, openTestDb, type TestDb } from '../support/open-test-db.js';

/*
 * The trap: the helpdesk resolves ticket "1042" while the bot's calls and the agent's
 * work went to "T-1042". The lone ticket.resolved is a free human-only resolution: it moved the
 * human-only CPR from $15.00 to $10.00 without a word. The report now says so.
 */

describe('resolved tickets without activity', () => {
  let t: TestDb;
  beforeEach(() => {
    t = openTestDb();
    insertEvents(t.db, events([
      // Two human-only tickets: 1,350 s at $40/h = $15.00 each, resolved by an agent.
      { type: 'ticket.opened', at: iso(T), ticketId: 'H-1' },
      { type: 'human.work', at: iso(T + HOUR), ticketId: 'H-1', seconds: 1350 },
      { type: 'ticket.resolved', at: iso(T + HOUR), ticketId: 'H-1', by: 'human' },
      { type: 'ticket.opened', at: iso(T), ticketId: 'T-1042' },
      { type: 'human.work', at: iso(T + HOUR), ticketId: 'T-1042', seconds: 1350 },
      { type: 'ticket.resolved', at: iso(T + HOUR), ticketId: 'T-1042', by: 'human' },
      // An AI ticket resolved through its conversation: it has a call, so it is not "without activity".
      { type: 'ticket.resolved', at: iso(T + HOUR), conversationId: 'chat-7', by: 'ai' },
      // A handoff alone is no activity either: ops-5 is resolved, but nobody opened it.
      { type: 'handoff', at: iso(T), ticketId: 'ops-5' },
      { type: 'ticket.resolved', at: iso(T + HOUR), ticketId: 'ops-5', by: 'human' },
    ]));
    insertCalls(t.db, [{ id: 'k1', startedAt: T, conversationId: 'chat-7', costUsd: 0.004 }]);
  });
  afterEach(() => t.cleanup());

  const report = (kept: boolean): Report => {
    const input = loadReportInput(t.db, { window: WINDOW, humanHourlyRate: 40 });
    return computeReport(kept ? input : { ...input, tickets: foldTicketFacts(t.db, input), ticketClasses: undefined, ticketClassModels: undefined });
  };

  it('counts them and warns, in every format, from the kept tickets and from scratch alike', () => {
    expect(report(true).resolvedWithoutActivity).toBe(1); // ops-5
    insertEvents(t.db, events([{ type: 'ticket.resolved', at: iso(T + 2 * HOUR), ticketId: '1042', by: 'human' }]));
    for (const kept of [true, true, false]) {
      const r = report(kept);
      // Human-only: $15 + $15 + $0 (ops-5) + $0 (1042) over 4 resolutions = $7.50; without the two, $30 / 2 = $15.
      expect(r.totals).toMatchObject({ humanOnly: 4, humanOnlyResolved: 4, humanOnlyCostUsd: 30, humanOnlyCostPerResolutionUsd: 7.5 });
      expect(r.resolvedWithoutActivity).toBe(2);
      expect(r.warnings.map((w) => w.code)).toEqual(['resolved_without_activity']);
    }
    const r = report(true);
    const message = '2 resolved tickets have no opening, no conversation, no LLM call and no human work: each counts as a free '
      + 'human-only resolution and lowers the human-only CPR. Check that the helpdesk and the bot name tickets alike '
      + '(the helpdesk\'s "1042" is not the bot\'s "T-1042"), and that the helpdesk sends ticket.opened and human.work events.';
    expect(r.warnings).toEqual([{ code: 'resolved_without_activity', message }]);
    expect(formatReport(r, 'table')).toContain(`WARNING: ${message}`);
    expect(formatReport(r, 'html')).toContain('<p class="warning">WARNING: 2 resolved tickets have no opening');
    const [header, totals] = formatReport(r, 'csv').split('\r\n').map((line) => line.split(','));
    expect(totals![header!.indexOf('resolvedWithoutActivity')]).toBe('2');
    expect(JSON.parse(formatReport(r, 'json'))).toMatchObject({ resolvedWithoutActivity: 2, warnings: [{ code: 'resolved_without_activity' }] });
  });

  it('says nothing when every resolved ticket has activity', () => {
    insertEvents(t.db, events([{ type: 'ticket.opened', at: iso(T), ticketId: 'ops-5' }]));
    const r = report(true);
    expect(r.resolvedWithoutActivity).toBe(0);
    expect(r.warnings).toEqual([]);
    expect(formatReport(r, 'table')).not.toContain('WARNING');
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { LedgerError } from '../../src/errors.js';
import { startReportThread, type ReportThread } from '../../src/ledger/sqlite/report-thread.js';
import { insertEvents, loadReportInput } from '../../src/ledger/sqlite/ticket-store.js';
import { silentLogger } from '../../src/logging/logger.js';
import { events, HOUR, T, WINDOW } from '../support/events.js';
import { insertCalls, openTestDb, type TestDb } from '../support/open-test-db.js';

describe('the report thread', () => {
  let t: TestDb;
  let reports: ReportThread | undefined;
  beforeEach(() => { t = openTestDb(); });
  afterEach(async () => {
    await reports?.stop();
    t.cleanup();
  });

  /** 2,000 tickets of 5 calls each, a quarter of them resolved. */
  function fill(): void {
    const tickets = Array.from({ length: 2_000 }, (_, i) => i);
    insertEvents(t.db, events(tickets.flatMap((i) => [
      { type: 'conversation.linked', at: new Date(T).toISOString(), conversationId: `c${i}`, ticketId: `T${i}` },
      ...(i % 4 === 0 ? [{ type: 'ticket.resolved', at: new Date(T + HOUR).toISOString(), ticketId: `T${i}`, by: 'ai' }] : []),
    ])));
    insertCalls(t.db, tickets.flatMap((i) => Array.from({ length: 5 }, (_, k) => ({
      id: `call-${i}-${k}`, startedAt: T + k * 1000, conversationId: `c${i}`, costUsd: 0.002,
    }))));
  }

  it('loads what the ledger loads on its own thread, without holding up the caller\'s', async () => {
    fill();
    reports = startReportThread({ path: t.path, busyTimeoutMs: 1000, logger: silentLogger });
    let turns = 0;
    let waiting = true;
    const count = (): void => {
      turns += 1;
      if (waiting) setImmediate(count);
    };
    setImmediate(count);
    const input = await reports.reportInput({ window: WINDOW, humanHourlyRate: 40 });
    waiting = false;
    // On this thread, the fold of 10,000 calls would have run in one turn of the event loop.
    expect(turns).toBeGreaterThan(10);
    // 2,000 tickets, 10,000 calls of $0.002 = $20, 500 resolved.
    const classes = input.ticketClasses!;
    expect(classes.reduce((n, c) => n + c.tickets, 0) + input.tickets.length).toBe(2_000);
    expect(classes.reduce((n, c) => n + c.llm.calls, 0)).toBe(10_000);
    expect(classes.reduce((usd, c) => usd + c.llm.costUsd, 0)).toBeCloseTo(20, 9);
    expect(classes.filter((c) => c.resolved).reduce((n, c) => n + c.tickets, 0)).toBe(500);
    // The same as on this thread's own connection.
    expect(input).toEqual(loadReportInput(t.db, { window: WINDOW, humanHourlyRate: 40 }));
  });

  it('answers while another connection holds the write lock, from what it folded', async () => {
    fill();
    reports = startReportThread({ path: t.path, busyTimeoutMs: 0, logger: silentLogger });
    t.db.exec('BEGIN IMMEDIATE');
    try {
      const input = await reports.reportInput({ window: WINDOW, humanHourlyRate: 40 });
      // Nothing could be kept: the 2,000 tickets come one by one.
      expect(input.tickets).toHaveLength(2_000);
    } finally {
      t.db.exec('ROLLBACK');
    }
  });

  it('fails a report as a ledger error, and answers the next one', async () => {
    reports = startReportThread({ path: t.path, busyTimeoutMs: 1000, logger: silentLogger });
    t.db.exec('ALTER TABLE report_cache_state RENAME TO elsewhere');
    await expect(reports.reportInput({ window: WINDOW, humanHourlyRate: 40 })).rejects.toThrow(LedgerError);
    t.db.exec('ALTER TABLE elsewhere RENAME TO report_cache_state');
    expect((await reports.reportInput({ window: WINDOW, humanHourlyRate: 40 })).tickets).toEqual([]);
  });

  it('fails as a ledger error when the thread cannot open the ledger, and tries again next time', async () => {
    reports = startReportThread({ path: `${t.path}.missing/cpr.db`, busyTimeoutMs: 1000, logger: silentLogger });
    await expect(reports.reportInput({ window: WINDOW, humanHourlyRate: 40 })).rejects.toThrow(LedgerError);
    await expect(reports.reportInput({ window: WINDOW, humanHourlyRate: 40 })).rejects.toThrow(LedgerError);
  });
});

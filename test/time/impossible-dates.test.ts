import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiRouter } from '../../src/api/create-api-router.js';
import { resolveReportOptions } from '../../src/reports/report-options.js';
import { parseInstant } from '../../src/time/parse-instant.js';
import { validateEvents } from '../../src/tickets/validate-events.js';
import { runCli } from '../cli/report-cli-harness.js';
import { openTestDb, ticketLedgerOf, type TestDb } from '../support/open-test-db.js';

const now = () => Date.UTC(2026, 11, 1);
// The reason every way in gives for the two days of the issue.
const FEB = 'is not a date: February 2026 has 28 days';
const NOV = 'is not a date: November 2026 has 30 days';

describe('one date parser for every input', () => {
  it('refuses days that do not exist instead of reading them as the next month\'s', () => {
    // Date.parse('2026-02-30') is March 2nd and Date.parse('2026-11-31') December 1st: the trap.
    expect(Date.parse('2026-02-30')).toBe(Date.UTC(2026, 2, 2));
    expect(parseInstant('2026-02-30')).toEqual({ ok: false, problem: 'calendar', reason: FEB });
    expect(parseInstant('2026-11-31')).toEqual({ ok: false, problem: 'calendar', reason: NOV });
    expect(parseInstant('2026-11-31T10:00:00Z')).toMatchObject({ ok: false, reason: NOV });
    expect(parseInstant('2026-10-01T24:00:00Z')).toMatchObject({ ok: false, reason: 'is not a time of day: 24:00:00' });
    expect(parseInstant('2026-10-01T10:00:00+25:00')).toMatchObject({ ok: false, problem: 'calendar' });
    // What exists is read as written: a leap day, a date alone (UTC midnight), an offset.
    expect(parseInstant('2024-02-29')).toEqual({ ok: true, ms: Date.UTC(2024, 1, 29) });
    expect(parseInstant('2026-11-30')).toEqual({ ok: true, ms: Date.UTC(2026, 10, 30) });
    expect(parseInstant('2026-10-01T09:30+02:00')).toEqual({ ok: true, ms: Date.UTC(2026, 9, 1, 7, 30) });
  });

  it('refuses them in report options, meter.report() included', () => {
    expect(() => resolveReportOptions({ from: '2026-02-30', to: '2026-03-31' }, { now })).toThrow(`Invalid "from": "2026-02-30" ${FEB}.`);
    expect(() => resolveReportOptions({ from: '2026-11-01', to: '2026-11-31' }, { now })).toThrow(`Invalid "to": "2026-11-31" ${NOV}.`);
  });

  it('refuses them in events, with the same reason, and cost.fixed takes the date-only form', () => {
    const bad = validateEvents([{ type: 'cost.fixed', amountUsd: 300, from: '2026-11-01', to: '2026-11-31', appliesTo: 'shared' }], { now });
    expect(bad).toEqual({ ok: false, error: { index: 0, field: 'to', message: `Invalid event 0 (cost.fixed): "to" ${NOV}.` } });
    const at = validateEvents({ type: 'ticket.opened', ticketId: 'T1', at: '2026-02-30T09:00:00Z' }, { now });
    expect(at).toMatchObject({ ok: false, error: { field: 'at', message: `Invalid event (ticket.opened): "at" ${FEB}.` } });
    // Before, a date alone was refused here ("must be an ISO 8601 date-time") although the report took it.
    const good = validateEvents({ type: 'cost.fixed', amountUsd: 300, from: '2026-11-01', to: '2026-12-01', appliesTo: 'shared' }, { now });
    expect(good).toMatchObject({ ok: true, events: [{ from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 11, 1) }] });
  });

  describe('over the CLI and HTTP', () => {
    let t: TestDb;
    let server: Server | undefined;
    beforeEach(() => { t = openTestDb(); });
    afterEach(async () => {
      await new Promise((resolve) => (server ? server.close(resolve) : resolve(undefined)));
      t.cleanup();
    });

    it('cpr-meter report --from 2026-02-30 is refused, naming the option', async () => {
      const { stdout, error } = await runCli(['report', '--db', t.path, '--from', '2026-02-30', '--to', '2026-03-31'], { now });
      expect(stdout).toBe('');
      expect(error?.message).toBe(`Invalid --from: "2026-02-30" ${FEB}.`);
    });

    it('GET /api/report?to=2026-11-31 answers 400 with the same reason', async () => {
      const app = express();
      app.use('/api', createApiRouter({ ledger: ticketLedgerOf(t.db), humanHourlyRate: 40, now }));
      server = app.listen(0, '127.0.0.1');
      await new Promise<void>((resolve) => server!.once('listening', resolve));
      const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
      const res = await fetch(`${base}/report?from=2026-11-01&to=2026-11-31`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error: { field: 'to', message: `Invalid "to": "2026-11-31" ${NOV}.` } });
    });
  });
});

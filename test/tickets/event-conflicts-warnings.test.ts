import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { writeFileSync } from 'node:fs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiRouter } from '../../src/api/create-api-router.js';
import { createMeter } from '../../src/meter/create-meter.js';
import { silentLogger } from '../../src/logging/logger.js';
import { runCli } from '../cli/report-cli-harness.js';
import { openTestDb, ticketLedgerOf, type TestDb } from '../support/open-test-db.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * An eventId sent again with OTHER content is a conflict (not stored, reported with its index);
 * sent again with the same content it is a duplicate, and an event without `at` is the same
 * event whatever time it arrives. Unknown fields are accepted and named in `warnings`.
 */

let clock = Date.UTC(2026, 10, 3, 10);
let t: TestDb;
let server: Server;
let base: string;

beforeEach(async () => {
  t = openTestDb();
  const app = express();
  app.use('/api', createApiRouter({ ledger: ticketLedgerOf(t.db), humanHourlyRate: 40, now: () => clock }));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
});
afterEach(async () => {
  await new Promise((resolve) => server.close(resolve));
  t.cleanup();
});

const post = async (body: unknown): Promise<{ warnings: unknown[] } & Record<string, unknown>> => {
  const res = await fetch(`${base}/events`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
  expect(res.status).toBe(200);
  return res.json() as Promise<{ warnings: unknown[] } & Record<string, unknown>>;
};
const secondsOf = () => t.db.prepare('SELECT seconds FROM human_work ORDER BY seq').pluck().all();

describe('POST /api/events: conflicts and warnings', () => {
  it('counts a same-content redelivery as a duplicate, even without `at` and hours later', async () => {
    const work = { type: 'human.work', ticketId: 'T-1', seconds: 600, eventId: 'zd-1' };
    expect(await post(work)).toEqual({ accepted: 1, duplicates: 0, conflicts: [], warnings: [] });
    clock += 3 * 3_600_000; // the webhook is redelivered three hours later: its defaulted `at` differs
    // The same content with its keys in another order, `at` still not given.
    expect(await post({ eventId: 'zd-1', seconds: 600, ticketId: 'T-1', type: 'human.work' }))
      .toEqual({ accepted: 0, duplicates: 1, conflicts: [], warnings: [] });
    expect(secondsOf()).toEqual([600]);
  });

  it('reports an eventId sent again with other content as a conflict, with its index, and does not store it', async () => {
    await post({ type: 'human.work', ticketId: 'T-1', seconds: 600, eventId: 'zd-1' });
    // Index 0: a new event, stored. Index 1: zd-1 with 900 seconds, a conflict. Index 2: zd-1 as
    // first sent, a duplicate. Index 3: zd-2 twice in one batch, the second time with other content.
    const answer = await post([
      { type: 'handoff', ticketId: 'T-1', eventId: 'zd-0' },
      { type: 'human.work', ticketId: 'T-1', seconds: 900, eventId: 'zd-1' },
      { type: 'human.work', ticketId: 'T-1', seconds: 600, eventId: 'zd-1' },
      { type: 'ticket.resolved', ticketId: 'T-1', by: 'human', eventId: 'zd-2' },
      { type: 'ticket.resolved', ticketId: 'T-1', by: 'ai', eventId: 'zd-2' },
    ]);
    expect(answer).toEqual({
      accepted: 2, duplicates: 1, warnings: [],
      conflicts: [
        { index: 1, eventId: 'zd-1', message: expect.stringMatching(/^event 1: eventId "zd-1" was stored before with other content; this one was not stored/) },
        { index: 4, eventId: 'zd-2', message: expect.stringMatching(/^event 4: eventId "zd-2"/) },
      ],
    });
    expect(secondsOf()).toEqual([600]); // the first content stands
    expect(t.db.prepare('SELECT resolved_by FROM status_changes').pluck().all()).toEqual(['human']);
  });

  it('an explicit `at` is part of the content: the same eventId at another time is a conflict', async () => {
    await post({ type: 'handoff', ticketId: 'T-1', eventId: 'h-1', at: '2026-11-03T10:00:00Z' });
    // The same instant written with an offset is the same content.
    expect(await post({ type: 'handoff', ticketId: 'T-1', eventId: 'h-1', at: '2026-11-03T11:00:00+01:00' }))
      .toMatchObject({ duplicates: 1, conflicts: [] });
    expect(await post({ type: 'handoff', ticketId: 'T-1', eventId: 'h-1', at: '2026-11-03T10:05:00Z' }))
      .toMatchObject({ accepted: 0, duplicates: 0, conflicts: [{ index: null, eventId: 'h-1' }] });
  });

  it('accepts unknown fields, stores the event, and names them in `warnings`, once per type and field', async () => {
    const answer = await post([
      { type: 'ticket.opened', ticketId: 'T-1', categroy: 'billing' },
      { type: 'ticket.opened', ticketId: 'T-2', categroy: 'shipping', vendorPayload: { id: 7 } },
      { type: 'handoff', ticketId: 'T-2', categroy: 'x' },
    ]);
    expect(answer).toMatchObject({ accepted: 3, duplicates: 0, conflicts: [] });
    expect(answer.warnings).toEqual([
      { code: 'unknown_field', type: 'ticket.opened', field: 'categroy', count: 2, index: 0,
        message: 'event 0 and 1 more (ticket.opened): unknown field "categroy" was ignored; did you mean "category"?' },
      { code: 'unknown_field', type: 'ticket.opened', field: 'vendorPayload', count: 1, index: 1,
        message: expect.stringMatching(/^event 1 \(ticket\.opened\): unknown field "vendorPayload" was ignored; ticket\.opened knows type, eventId, at, ticketId, category/) },
      { code: 'unknown_field', type: 'handoff', field: 'categroy', count: 1, index: 2, message: expect.stringContaining('"categroy"') },
    ]);
    expect(t.db.prepare('SELECT category FROM tickets').pluck().all()).toEqual([null, null]);
  });
});

describe('cpr-meter ingest and meter.record(): the same conflicts and warnings', () => {
  it('ingest prints conflicts and unknown fields by line on stderr', async () => {
    const dir = tempDir();
    try {
      const file = dir.file('events.jsonl');
      writeFileSync(file, [
        JSON.stringify({ type: 'human.work', ticketId: 'T-1', seconds: 600, eventId: 'zd-1' }),
        '',
        JSON.stringify({ type: 'ticket.opened', ticketId: 'T-1', categroy: 'billing' }),
        JSON.stringify({ type: 'human.work', ticketId: 'T-1', seconds: 900, eventId: 'zd-1' }),
      ].join('\n'));
      const run = await runCli(['ingest', file, '--db', dir.file('cpr.db')]);
      expect(run.error).toBeNull();
      expect(run.stdout).toBe('accepted 2, duplicates 0, conflicts 1\n');
      expect(run.stderr).toBe(`cpr-meter: created a new ledger at ${dir.file('cpr.db')}\n`
        + `cpr-meter: conflict: ${file} line 4: eventId "zd-1" was stored before with other content; `
        + 'this one was not stored (a change needs an eventId of its own)\n'
        + `cpr-meter: warning: ${file} line 3 (ticket.opened): unknown field "categroy" was ignored; did you mean "category"?\n`);
    } finally {
      dir.remove();
    }
  });

  it('meter.record() answers like the API', async () => {
    const meter = createMeter({ db: ':memory:', logger: silentLogger, env: {}, now: () => clock });
    try {
      expect(await meter.record({ type: 'human.work', ticketId: 'T-1', seconds: 600, eventId: 'w-1' }))
        .toEqual({ accepted: 1, duplicates: 0, conflicts: [], warnings: [] });
      const answer = await meter.record([{ type: 'human.work', ticketId: 'T-1', seconds: 60, eventId: 'w-1', agnetId: 'a-7' } as never]);
      expect(answer).toMatchObject({ accepted: 0, duplicates: 0, conflicts: [{ index: 0, eventId: 'w-1' }],
        warnings: [{ field: 'agnetId', message: 'event 0 (human.work): unknown field "agnetId" was ignored; did you mean "agentId"?' }] });
    } finally {
      await meter.close();
    }
  });
});

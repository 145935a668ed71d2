import express from 'express';
import type { Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createApiRouter } from '../../src/api/create-api-router.js';
import type { ApiRouterOptions } from '../../src/api/create-api-router.js';
import type { Report } from '../../src/reports/types.js';
import { insertCalls, openTestDb, ticketLedgerOf } from '../support/open-test-db.js';
import type { TestDb } from '../support/open-test-db.js';
import { HUMAN_HOURLY_RATE, SCENARIO_CALLS, SCENARIO_EVENTS, WINDOW_ISO, at } from '../reports/cpr-scenario-fixture.js';

let t: TestDb;
let server: Server;
let base: string;

async function start(options: Partial<ApiRouterOptions> = {}): Promise<void> {
  const app = express();
  app.use('/api', createApiRouter({ ledger: ticketLedgerOf(t.db), humanHourlyRate: HUMAN_HOURLY_RATE, now: () => at(31, 23), ...options }));
  server = app.listen(0, '127.0.0.1');
  await new Promise<void>((resolve) => server.once('listening', resolve));
  base = `http://127.0.0.1:${(server.address() as AddressInfo).port}/api`;
}

const post = (body: string, headers: Record<string, string> = {}) =>
  fetch(`${base}/events`, { method: 'POST', body, headers: { 'content-type': 'application/json', ...headers } });
interface ErrorJson {
  error: { message: string; type: string; index?: number | null; field?: string | null };
}
const errorJson = async (res: Response): Promise<ErrorJson> => (await res.json()) as ErrorJson;
const count = (table: string) => t.db.prepare(`SELECT COUNT(*) FROM ${table}`).pluck().get();

beforeEach(() => { t = openTestDb(); });
afterEach(async () => {
  await new Promise((resolve) => server?.close(resolve));
  t.cleanup();
});

describe('POST /api/events', () => {
  beforeEach(() => start());

  it('stores one event or a batch, and counts duplicate eventIds', async () => {
    let res = await post(JSON.stringify({ type: 'ticket.opened', ticketId: 'T1', eventId: 'e1' }));
    expect(res.status).toBe(200);
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 0, conflicts: [], warnings: [] });
    res = await post(JSON.stringify([{ type: 'ticket.opened', ticketId: 'T1', eventId: 'e1' }, { type: 'handoff', ticketId: 'T1', eventId: 'e2' }]));
    expect(await res.json()).toEqual({ accepted: 1, duplicates: 1, conflicts: [], warnings: [] });
    expect(count('events')).toBe(2);
  });

  it('rejects the whole batch at the first invalid event, naming index and field', async () => {
    const res = await post(JSON.stringify([
      { type: 'ticket.opened', ticketId: 'T1' },
      { type: 'human.work', ticketId: 'T1', seconds: 60 },
      { type: 'human.work', ticketId: 'T1', seconds: 'ten' },
    ]));
    expect(res.status).toBe(400);
    const body = await errorJson(res);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', index: 2, field: 'seconds' });
    expect(body.error.message).toMatch(/event 2 \(human\.work\): "seconds" must be a number/);
    expect(count('events')).toBe(0);
  });

  it('answers malformed JSON with 400 naming the position', async () => {
    const res = await post('[{"type": "ticket.opened", "ticketId": }]');
    expect(res.status).toBe(400);
    const body = await errorJson(res);
    expect(body.error.type).toBe('invalid_request_error');
    expect(body.error.message).toBe('Malformed JSON in the request body at position 39 (line 1, column 40).');
  });

  it('refuses a body over the limit with 413', async () => {
    await new Promise((resolve) => server.close(resolve));
    await start({ maxBodyBytes: 100 });
    const res = await post(JSON.stringify([{ type: 'ticket.opened', ticketId: 'x'.repeat(200) }]));
    expect(res.status).toBe(413);
    expect((await errorJson(res)).error.type).toBe('invalid_request_error');
  });
});

describe('GET /api/report', () => {
  beforeEach(async () => {
    await start();
    const res = await post(JSON.stringify(SCENARIO_EVENTS));
    expect(await res.json()).toEqual({ accepted: SCENARIO_EVENTS.length, duplicates: 0, conflicts: [], warnings: [] });
    insertCalls(t.db, SCENARIO_CALLS);
  });

  it('answers the hand-computed scenario', async () => {
    const res = await fetch(`${base}/report?from=${WINDOW_ISO.from}&to=${WINDOW_ISO.to}&groupBy=category`);
    expect(res.status).toBe(200);
    const report = (await res.json()) as Report;
    expect(report.window).toEqual(WINDOW_ISO);
    expect(report.totals).toMatchObject({ tickets: 11, resolved: 8, totalCostUsd: 461.17, costPerResolutionUsd: 57.64625,
      naiveAiCostPerResolutionUsd: 0.4, humanOnlyCostPerResolutionUsd: 72, fcrRate: 0.75, reopenRate: 0.25 });
    expect(report.totals.aiJourneyCostPerResolutionUsd).toBeCloseTo(389.17 / 7, 9);
    expect(report.groups.map((g) => [g.key, g.totalCostUsd])).toEqual([['billing', 250.8], ['returns', 36.28], ['shipping', 137.76], ['(none)', 36.33]]);
  });

  it('defaults to the last 30 days ending now (this millisecond included)', async () => {
    const report = (await (await fetch(`${base}/report`)).json()) as Report;
    expect(report.window).toEqual({ from: new Date(at(1, 23) + 1).toISOString(), to: new Date(at(31, 23) + 1).toISOString() });
  });

  it('serves CSV too', async () => {
    const res = await fetch(`${base}/report?from=2026-10-01&to=2026-11-01&format=csv`);
    expect(res.headers.get('content-type')).toMatch(/^text\/csv/);
    expect(await res.text()).toMatch(/\r\ntotals,11,8,3,/);
  });

  it.each([
    ['from=yesterday', 'from'],
    ['to=2026-13-45', 'to'],
    ['from=2026-11-01&to=2026-10-01', 'from'],
    ['groupBy=agent', 'groupBy'],
    ['format=pdf', 'format'],
    ['from=2026-10-01&from=2026-10-02', 'from'],
  ])('rejects %s naming the parameter', async (query, field) => {
    const res = await fetch(`${base}/report?${query}`);
    expect(res.status).toBe(400);
    const body = await errorJson(res);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', field });
    expect(body.error.message).toContain(`"${field}"`);
  });
});

describe('admin token', () => {
  beforeEach(() => start({ adminToken: 's3cret-token' }));

  it('answers 401 without the token or with a wrong one, on every route', async () => {
    for (const res of [
      await post('[]'),
      await post('[]', { authorization: 'Bearer wrong' }),
      await fetch(`${base}/report`, { headers: { authorization: 'Basic czNjcmV0LXRva2Vu' } }),
      await fetch(`${base}/report`),
    ]) {
      expect(res.status).toBe(401);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
      expect((await errorJson(res)).error.type).toBe('authentication_error');
    }
  });

  it('lets the right token through', async () => {
    const headers = { authorization: 'Bearer s3cret-token' };
    expect((await post('[]', headers)).status).toBe(200);
    expect((await fetch(`${base}/report`, { headers })).status).toBe(200);
  });
});

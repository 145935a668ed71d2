import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { startServer, type CprServer } from '../../src/server/start-server.js';
import type { TicketPage, TicketTimeline } from '../../src/ledger/ticket-explorer.js';
import type { TrendSeries } from '../../src/reports/trend-series.js';
import type { Report } from '../../src/reports/types.js';
import { writeSetting } from '../../src/ledger/sqlite/settings-store.js';
import { openMigrated } from '../support/open-test-db.js';
import { tempDir } from '../support/temp-dir.js';
import { HUMAN_HOURLY_RATE, WINDOW_ISO, at, loadScenario } from '../reports/cpr-scenario-fixture.js';

/*
 * The dashboard's APIs on the hand-computed scenario (cpr-scenario-fixture.ts), through a real
 * server on a real ledger file, its reports and ticket pages read on the report thread.
 *
 * Loaded costs, from cpr-scenario.test.ts: every AI-handled ticket carries (1.17 + 279) / 9 =
 * 0.13 + 31; every human-touched one 30 / 5 = 6; every one 55 / 11 = 5. So contained = LLM +
 * 36.13, escalated = LLM + human + 42.13, human-only = human + 11:
 *   T3 .40 + 20 + 42.13 = 62.53   T9 .50 + 15 + 42.13 = 57.63   T5 40 + 11 = 51
 *   T4 .60 + 7.50 + 42.13 = 50.23 T10 .70 + 36.13 = 36.83      T8 .40 + 36.13 = 36.53
 *   T1 .30 + 36.13 = 36.43        T7 .25 + 36.13 = 36.38       C2 .20 + 36.13 = 36.33
 *   T12 .15 + 36.13 = 36.28       T6 10 + 11 = 21              sum 461.17 = the report's total.
 */
const COSTLIEST_FIRST: Array<[string, number]> = [['T3', 62.53], ['T9', 57.63], ['T5', 51], ['T4', 50.23], ['T10', 36.83],
  ['T8', 36.53], ['T1', 36.43], ['T7', 36.38], ['C2', 36.33], ['T12', 36.28], ['T6', 21]];

let dir: ReturnType<typeof tempDir>;
let cpr: CprServer;
const window = `from=${WINDOW_ISO.from}&to=${WINDOW_ISO.to}`;
const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${cpr.url}/api/${path}`, { headers: { authorization: 'Bearer s3cret' } });
  expect(res.status, `${path}: ${res.status}`).toBe(200);
  return (await res.json()) as T;
};
const ids = (page: TicketPage) => page.tickets.map((t) => t.ticketId);

beforeAll(async () => {
  dir = tempDir();
  const db = openMigrated(dir.file('cpr.db'));
  loadScenario(db);
  db.close();
  cpr = await startServer({ port: 0, db: dir.file('cpr.db'), env: {}, logger: silentLogger, adminToken: 's3cret', now: () => at(31, 23),
    humanHourlyRate: HUMAN_HOURLY_RATE });
});
afterAll(async () => {
  await cpr?.close();
  dir?.remove();
});

describe('GET /api/report?compare=previous', () => {
  it('adds the totals of the window of the same length just before', async () => {
    const report = await get<Report & { previous: Pick<Report, 'window' | 'totals'> }>(`report?${window}&compare=previous`);
    expect(report.totals.totalCostUsd).toBeCloseTo(461.17, 8);
    // October has 31 days: the previous window is [Aug 31, Oct 1).
    expect(report.previous.window).toEqual({ from: '2026-08-31T00:00:00.000Z', to: '2026-10-01T00:00:00.000Z' });
    // In scope then: T11 (resolved Sep 21 by ai) and T10 (opened Sep 28, still unresolved at Oct 1 00:00).
    // LLM: T11 1.00 + T10 .70 + unattributed u0 5.00 (Sep 30) = 6.70; no fixed cost overlaps; no human work.
    // The 5.00 is shared over the 2 AI-handled tickets: T11 loaded 3.50, T10 3.20. Resolved: T11 alone.
    expect(report.previous.totals).toMatchObject({ tickets: 2, resolved: 1, aiHandled: 2, contained: 2, aiResolved: 1 });
    expect(report.previous.totals.totalCostUsd).toBeCloseTo(6.7, 8);
    expect(report.previous.totals.costPerResolutionUsd).toBeCloseTo(6.7, 8); // 6.70 / 1
    expect(report.previous.totals.aiJourneyCostPerResolutionUsd).toBeCloseTo(6.7, 8); // (3.50 + 3.20) / 1
    expect(report.previous.totals.naiveAiCostPerResolutionUsd).toBeCloseTo(1.0, 8); // T11's own 1.00 / 1
  });

  it('is refused with another format, naming the option', async () => {
    const res = await fetch(`${cpr.url}/api/report?${window}&compare=previous&format=csv`, { headers: { authorization: 'Bearer s3cret' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toMatch(/compare/);
  });
});

describe('GET /api/trend', () => {
  it('gives every day of the window, the empty ones with no CPR', async () => {
    const trend = await get<TrendSeries>(`trend?${window}&interval=day`);
    expect(trend.points).toHaveLength(31);
    const day = (d: string) => trend.points.find((p) => p.period === `2026-10-${d}`)!;
    // Oct 1: T10, resolved that day: 36.83 = LLM .70 + .13 share, fixed 31 + 5.
    expect(day('01')).toMatchObject({ tickets: 1, resolved: 1, aiResolved: 1, humanCostUsd: 0 });
    expect(day('01').llmCostUsd).toBeCloseTo(0.83, 8);
    expect(day('01').fixedCostUsd).toBeCloseTo(36, 8);
    expect(day('01').costPerResolutionUsd).toBeCloseTo(36.83, 8);
    // Oct 4: T3, escalated: 62.53 (human 20, fixed 31 + 6 + 5 = 42).
    expect(day('04').aiJourneyCostPerResolutionUsd).toBeCloseTo(62.53, 8);
    expect(day('04').humanCostUsd).toBeCloseTo(20, 8);
    // Oct 7: T6 opened, unresolved: cost 21, no resolution, no CPR.
    expect(day('07')).toMatchObject({ tickets: 1, resolved: 0, costPerResolutionUsd: null });
    expect(day('07').totalCostUsd).toBeCloseTo(21, 8);
    expect(day('31')).toMatchObject({ tickets: 0, resolved: 0, totalCostUsd: 0, costPerResolutionUsd: null });
    expect(trend.points.reduce((sum, p) => sum + p.totalCostUsd, 0)).toBeCloseTo(461.17, 8);
  });

  it('by ISO week: W40 (to Oct 4) to W44 (from Oct 26)', async () => {
    const trend = await get<TrendSeries>(`trend?${window}&interval=week`);
    expect(trend.points.map((p) => p.period)).toEqual(['2026-W40', '2026-W41', '2026-W42', '2026-W43', '2026-W44']);
    const [w40, w41, w42, w43, w44] = trend.points;
    // W40: T10 36.83 + T1 36.43 + C2 36.33 + T3 62.53 = 172.12 over 4 resolutions = 43.03.
    expect(w40!.costPerResolutionUsd).toBeCloseTo(43.03, 8);
    // W41: T4 50.23 + T5 51 + T6 21 + T7 36.38 = 158.61; resolved T4, T5.
    expect(w41!).toMatchObject({ tickets: 4, resolved: 2 });
    expect(w41!.totalCostUsd).toBeCloseTo(158.61, 8);
    // W42: T8 36.53 + T9 57.63 = 94.16 over 2 = 47.08; human-only none.
    expect(w42!.costPerResolutionUsd).toBeCloseTo(47.08, 8);
    expect(w42!.humanOnlyCostPerResolutionUsd).toBeNull();
    expect(w43!).toMatchObject({ tickets: 0, costPerResolutionUsd: null });
    expect(w44!.totalCostUsd).toBeCloseTo(36.28, 8); // T12, unresolved at `to`
  });

  it('refuses an unknown interval', async () => {
    const res = await fetch(`${cpr.url}/api/trend?${window}&interval=hour`, { headers: { authorization: 'Bearer s3cret' } });
    expect(res.status).toBe(400);
  });
});

describe('GET /api/tickets', () => {
  it('lists the tickets in scope costliest first, each loaded cost the one the report sums, page by page', async () => {
    const pages = [await get<TicketPage>(`tickets?${window}&limit=4`), await get<TicketPage>(`tickets?${window}&limit=4&offset=4`),
      await get<TicketPage>(`tickets?${window}&limit=4&offset=8`)];
    expect(pages.map((p) => p.total)).toEqual([11, 11, 11]);
    const rows = pages.flatMap((p) => p.tickets);
    expect(rows.map((t) => t.ticketId)).toEqual(COSTLIEST_FIRST.map(([id]) => id));
    rows.forEach((row, i) => expect(row.loadedCostUsd, row.ticketId).toBeCloseTo(COSTLIEST_FIRST[i]![1], 8));
    expect(rows.reduce((sum, t) => sum + t.loadedCostUsd, 0)).toBeCloseTo(461.17, 8);
    // T9: escalated, LLM .50, human 1350 s at 40/h = 15, shares .13 + 42 = 42.13.
    expect(rows[1]).toMatchObject({ ticketId: 'T9', path: 'escalated', resolved: true, category: 'billing', channel: 'email',
      keyTime: '2026-10-15T16:00:00.000Z', llmCalls: 1, conversations: 1 });
    expect(rows[1]!.humanCostUsd).toBeCloseTo(15, 8);
    expect(rows[1]!.sharesUsd).toBeCloseTo(42.13, 8);
    // T12 is resolved only after `to` (Nov 1 05:00): unresolved, in scope by its opening.
    expect(rows.find((t) => t.ticketId === 'T12')).toMatchObject({ resolved: false, path: 'contained', keyTime: '2026-10-30T09:00:00.000Z' });
  });

  it('filters by path, category and channel', async () => {
    expect(ids(await get<TicketPage>(`tickets?${window}&path=escalated`))).toEqual(['T3', 'T9', 'T4']);
    expect(ids(await get<TicketPage>(`tickets?${window}&path=human-only`))).toEqual(['T5', 'T6']);
    expect(ids(await get<TicketPage>(`tickets?${window}&path=unresolved`))).toEqual(['T7', 'T12', 'T6']);
    expect(ids(await get<TicketPage>(`tickets?${window}&path=contained`))).toEqual(['T10', 'T8', 'T1', 'T7', 'C2', 'T12']);
    expect(ids(await get<TicketPage>(`tickets?${window}&category=billing`))).toEqual(['T3', 'T9', 'T10', 'T1', 'T7', 'T6']);
    expect(ids(await get<TicketPage>(`tickets?${window}&category=(none)`))).toEqual(['C2']);
    const chat = await get<TicketPage>(`tickets?${window}&channel=chat&path=contained`);
    expect(ids(chat)).toEqual(['T10', 'T8', 'T1', 'T7', 'T12']);
    expect(chat.total).toBe(5);
  });

  it('sorts by time, and by cost ascending', async () => {
    // Key times: T10 Oct 1 08:00 (resolved), T1 Oct 2, C2 Oct 3, T3 Oct 4, T4 Oct 5, T5 Oct 6, T6 Oct 7 (opened),
    // T7 Oct 8 (opened), T8 Oct 12, T9 Oct 15, T12 Oct 30 (opened).
    expect(ids(await get<TicketPage>(`tickets?${window}&sort=time&order=asc`)))
      .toEqual(['T10', 'T1', 'C2', 'T3', 'T4', 'T5', 'T6', 'T7', 'T8', 'T9', 'T12']);
    expect(ids(await get<TicketPage>(`tickets?${window}&order=asc&limit=3`))).toEqual(['T6', 'T12', 'C2']);
  });

  it('filters by customer: the tickets of each, whose loaded costs add up to its group in the report', async () => {
    // The scenario's customers: acme = T1 T3 T6 T9 T10, globex = T4 T5 T7 T8, none = C2 T12; the
    // report grouped by customer has acme 214.42, globex 174.14, (none) 72.61 (cpr-scenario.test.ts).
    const sum = (page: TicketPage) => page.tickets.reduce((total, t) => total + t.loadedCostUsd, 0);
    const globex = await get<TicketPage>(`tickets?${window}&customer=globex`);
    expect(globex.tickets.map((t) => t.ticketId).sort()).toEqual(['T4', 'T5', 'T7', 'T8']);
    expect(globex.tickets.find((t) => t.ticketId === 'T5')).toMatchObject({ customerId: 'globex', loadedCostUsd: 51 });
    expect(sum(globex)).toBeCloseTo(174.14, 6);
    const acme = await get<TicketPage>(`tickets?${window}&customer=acme`);
    expect([acme.total, sum(acme)]).toEqual([5, expect.closeTo(214.42, 6)]);
    const none = await get<TicketPage>(`tickets?${window}&customer=(none)`);
    expect([none.total, sum(none)]).toEqual([2, expect.closeTo(72.61, 6)]);
  });

  it('refuses a bad limit or path, naming it', async () => {
    for (const query of ['limit=0', 'limit=5000', 'path=lost', 'offset=-1', 'sort=size']) {
      const res = await fetch(`${cpr.url}/api/tickets?${window}&${query}`, { headers: { authorization: 'Bearer s3cret' } });
      expect(res.status, query).toBe(400);
      expect(((await res.json()) as { error: { message: string } }).error.message).toContain(query.split('=')[0]);
    }
  });
});

describe('GET /api/tickets/:id', () => {
  it('gives the timeline of an escalated, reopened ticket, and its loaded cost split', async () => {
    const t = await get<TicketTimeline>(`tickets/T9?${window}`);
    expect(t).toMatchObject({ ticketId: 'T9', inScope: true, path: 'escalated', resolved: true, conversations: ['C9'] });
    expect(t.entries.map((e) => e.kind)).toEqual(['opened', 'linked', 'llm-call', 'resolved', 'reopened', 'handoff', 'human-work', 'resolved']);
    expect(t.entries[2]).toMatchObject({ at: '2026-10-14T09:05:00.000Z', provider: 'openai', model: 'gpt-4o', inputTokens: 1000,
      outputTokens: 300, costUsd: 0.5, status: 'ok', estimated: false, conversationId: 'C9' });
    expect(t.entries[3]).toMatchObject({ by: 'ai' });
    expect(t.entries[5]).toMatchObject({ queue: 'tier-2' });
    expect(t.entries[6]).toMatchObject({ seconds: 1350, costUsd: 15 }); // 1350 s at 40 USD/h
    expect(t.entries[7]).toMatchObject({ at: '2026-10-15T16:00:00.000Z', by: 'human' });
    // .50 + 15 + .13 + (31 + 6 + 5) = 57.63
    expect(t.cost.llmCostUsd).toBeCloseTo(0.5, 8);
    expect(t.cost.humanCostUsd).toBeCloseTo(15, 8);
    expect(t.cost.unattributedShareUsd).toBeCloseTo(0.13, 8);
    expect(t.cost.fixedShareUsd).toBeCloseTo(42, 8);
    expect(t.cost.loadedCostUsd).toBeCloseTo(57.63, 8);
  });

  it('shows only what happened before the window ends', async () => {
    const t = await get<TicketTimeline>(`tickets/T12?${window}`);
    // Resolved Nov 1 05:00, after `to`: not in the timeline, unresolved, in scope by its opening.
    expect(t.entries.map((e) => e.kind)).toEqual(['opened', 'linked', 'llm-call']);
    expect(t).toMatchObject({ resolved: false, inScope: true });
    expect(t.cost.loadedCostUsd).toBeCloseTo(36.28, 8);
  });

  it('marks the follow-up contact that reopened a ticket', async () => {
    const t = await get<TicketTimeline>(`tickets/T8?${window}`);
    // C8a linked Oct 10 09:00, resolved 10:00; C8b linked Oct 12 09:00 (the follow-up), resolved again 10:00.
    expect(t.entries.map((e) => [e.kind, e.conversationId ?? null, e.followUp ?? false])).toEqual([
      ['opened', null, false], ['linked', 'C8a', false], ['llm-call', 'C8a', false], ['resolved', null, false],
      ['linked', 'C8b', true], ['llm-call', 'C8b', false], ['resolved', null, false]]);
    expect(t.conversations).toEqual(['C8a', 'C8b']);
    expect(t.cost.loadedCostUsd).toBeCloseTo(36.53, 8); // .10 + .30 + 36.13
  });

  it('answers 404 for an unknown ticket', async () => {
    const res = await fetch(`${cpr.url}/api/tickets/nope?${window}`, { headers: { authorization: 'Bearer s3cret' } });
    expect(res.status).toBe(404);
    expect(await res.json()).toMatchObject({ error: { type: 'not_found_error' } });
  });
});

describe('the admin token', () => {
  it('guards the dashboard APIs, not the page', async () => {
    expect((await fetch(`${cpr.url}/api/tickets?${window}`)).status).toBe(401);
    expect((await fetch(`${cpr.url}/api/trend?${window}`)).status).toBe(401);
    const page = await fetch(`${cpr.url}/dashboard`);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('<title>');
    const root = await fetch(`${cpr.url}/`, { redirect: 'manual' });
    expect(root.status).toBe(302);
    expect(root.headers.get('location')).toBe('/dashboard');
    expect((await fetch(`${cpr.url}/dashboard/vendor/chart.umd.min.js`)).headers.get('content-type')).toMatch(/javascript/);
  });
});

describe('the ticket list and timelines at the ledger\'s dated hourly rates', () => {
  /*
   * The scenario with the ledger's rate at 40 USD/h since always and 60 from Oct 6: work without
   * an amount done from Oct 6 on costs half as much again. T3's 1800 s (Oct 4) stay 20.00; T5's
   * 3600 s (Oct 6 10:00) are 60.00 (+20), T6's 900 s (Oct 7) 15.00 (+5), T9's 1350 s (Oct 15)
   * 22.50 (+7.50); T4's 7.50 is an explicit amount. Total 461.17 + 32.50 = 493.67. Loaded:
   * T5 60 + 11 = 71, T9 .50 + 22.50 + 42.13 = 65.13, T3 62.53, T4 50.23, ..., T6 15 + 11 = 26.
   */
  let dated: CprServer;
  const getDated = async <T>(path: string): Promise<T> => {
    const res = await fetch(`${dated.url}/api/${path}`);
    expect(res.status, `${path}: ${res.status}`).toBe(200);
    return (await res.json()) as T;
  };
  const allTickets = async (query = ''): Promise<TicketPage['tickets']> =>
    [...(await getDated<TicketPage>(`tickets?${window}&limit=6${query}`)).tickets,
      ...(await getDated<TicketPage>(`tickets?${window}&limit=6&offset=6${query}`)).tickets];

  beforeAll(async () => {
    const db = openMigrated(dir.file('dated.db'));
    loadScenario(db);
    writeSetting(db, { name: 'human-hourly-rate', effectiveFrom: null, value: 40, setAt: at(1) });
    writeSetting(db, { name: 'human-hourly-rate', effectiveFrom: at(6), value: 60, setAt: at(1) });
    db.close();
    dated = await startServer({ port: 0, db: dir.file('dated.db'), env: {}, logger: silentLogger, now: () => at(31, 23) });
  });
  afterAll(async () => {
    await dated?.close();
  });

  it('gives each ticket the loaded cost the report sums, in the report\'s and the kept tickets\' reading alike', async () => {
    const report = await getDated<Report>(`report?${window}`);
    expect(report.humanHourlyRates).toEqual({ source: 'ledger', rates: [{ from: null, usdPerHour: 40 }, { from: '2026-10-06T00:00:00.000Z', usdPerHour: 60 }] });
    expect(report.totals.totalCostUsd).toBeCloseTo(493.67, 8);
    expect(report.unallocatedCostUsd).toBe(0);
    // Twice: the first reading folds the tickets, the second reads them as kept.
    for (const round of [1, 2]) {
      const rows = await allTickets();
      expect(rows.map((t) => t.ticketId).slice(0, 4), `round ${round}`).toEqual(['T5', 'T9', 'T3', 'T4']);
      const cost = (id: string) => rows.find((t) => t.ticketId === id)!;
      expect(cost('T5').humanCostUsd).toBeCloseTo(60, 8);
      expect(cost('T5').loadedCostUsd).toBeCloseTo(71, 8);
      expect(cost('T9').loadedCostUsd).toBeCloseTo(65.13, 8);
      expect(cost('T3').loadedCostUsd).toBeCloseTo(62.53, 8);
      expect(cost('T6').loadedCostUsd).toBeCloseTo(26, 8);
      expect(rows.reduce((sum, t) => sum + t.loadedCostUsd, 0)).toBeCloseTo(report.totals.totalCostUsd, 8);
    }
  });

  it('prices each piece of human work in a timeline at the rate in effect when it was done', async () => {
    const t9 = await getDated<TicketTimeline>(`tickets/T9?${window}`);
    expect(t9.entries.find((e) => e.kind === 'human-work')).toMatchObject({ seconds: 1350, costUsd: 22.5 }); // Oct 15, at 60
    expect(t9.cost.humanCostUsd).toBeCloseTo(22.5, 8);
    expect(t9.cost.loadedCostUsd).toBeCloseTo(65.13, 8);
    const t3 = await getDated<TicketTimeline>(`tickets/T3?${window}`);
    expect(t3.entries.find((e) => e.kind === 'human-work')).toMatchObject({ seconds: 1800, costUsd: 20 }); // Oct 4, at 40
    expect(t3.cost.loadedCostUsd).toBeCloseTo(62.53, 8);
  });

  it('prices everything at the rate given with humanHourlyRate, as the report does', async () => {
    const report = await getDated<Report>(`report?${window}&humanHourlyRate=40`);
    expect(report.totals.totalCostUsd).toBeCloseTo(461.17, 8);
    const rows = await allTickets('&humanHourlyRate=40');
    expect(rows.map((t) => t.ticketId)).toEqual(COSTLIEST_FIRST.map(([id]) => id));
    rows.forEach((row, i) => expect(row.loadedCostUsd, row.ticketId).toBeCloseTo(COSTLIEST_FIRST[i]![1], 8));
    const t9 = await getDated<TicketTimeline>(`tickets/T9?${window}&humanHourlyRate=40`);
    expect(t9.entries.find((e) => e.kind === 'human-work')).toMatchObject({ costUsd: 15 });
    expect(t9.cost.loadedCostUsd).toBeCloseTo(57.63, 8);
    const res = await fetch(`${dated.url}/api/tickets?${window}&humanHourlyRate=-5`);
    expect(res.status).toBe(400);
    expect(((await res.json()) as { error: { message: string } }).error.message).toContain('humanHourlyRate');
  });
});

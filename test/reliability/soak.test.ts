import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { pickKind, soakLoad, type Kind } from './soak-load.js';
import { eventually, startProxyHarness, type CallRow, type ProxyHarness } from '../support/proxy-harness.js';

/**
 * The soak: a bounded load on loopback of mixed calls, with client disconnects and upstream
 * failures, while events are posted and reports read. `npm test` runs it for 8 s;
 * `npm run soak` for CPR_SOAK_SECONDS (180).
 */
const SECONDS = Number(process.env.CPR_SOAK_SECONDS ?? 8);
const WORKERS = 8;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(async () => h.close());

describe(`soak (${SECONDS} s, ${WORKERS} concurrent clients)`, () => {
  it('leaves exactly one row of the right status per upstream request, and reports that add up', async () => {
    const { expected, surprises, oneCall: callThrough } = soakLoad({ sim: h.sim, workers: WORKERS });
    const oneCall = (id: string, kind: Kind) => callThrough({ id, kind, client: h.client });

    let next = 0;
    const end = Date.now() + SECONDS * 1000;
    const workers = Array.from({ length: WORKERS }, async () => {
      while (Date.now() < end) await oneCall(`soak-${next++}`, pickKind());
    });

    // Meanwhile: events about the conversations, and reports, as a helpdesk and a dashboard would.
    let eventsAccepted = 0;
    let reportsRead = 0;
    const window = `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`;
    const sideTraffic = (async () => {
      for (let batch = 0; Date.now() < end; batch += 1) {
        const conversation = `soak-${Math.max(0, next - 1)}`;
        const events = [
          { type: 'ticket.opened', eventId: `t-${batch}`, ticketId: `T-${batch}`, category: batch % 2 ? 'billing' : 'shipping' },
          { type: 'conversation.linked', eventId: `l-${batch}`, conversationId: conversation, ticketId: `T-${batch}` },
          { type: 'human.work', eventId: `w-${batch}`, ticketId: `T-${batch}`, seconds: 60 },
          { type: 'ticket.resolved', eventId: `r-${batch}`, ticketId: `T-${batch}`, by: batch % 3 ? 'ai' : 'human' },
        ];
        const posted = await fetch(`${h.cpr.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) });
        expect(posted.status).toBe(200);
        eventsAccepted += ((await posted.json()) as { accepted: number }).accepted;
        const report = await fetch(`${h.cpr.url}/api/report?${window}`);
        expect(report.status).toBe(200);
        await report.json();
        reportsRead += 1;
        await sleep(40);
      }
    })();
    await Promise.all([...workers, sideTraffic]);

    const requests = h.sim.requests.filter((r) => r.path === '/v1/chat/completions');
    // A client that leaves is done before the proxy has seen it go: the row of the last such
    // call may still be on its way. Let the proxy settle (it has no more than a few ms of work).
    await eventually(() => h.rows().length >= requests.length, 5000).catch(() => {});
    const rows = h.rows();
    const rowsById = new Map<string, CallRow[]>();
    for (const row of rows) rowsById.set(String(row.conversation_id), [...(rowsById.get(String(row.conversation_id)) ?? []), row]);
    const requestIds = new Set(requests.map((r) => r.headers['x-soak-id']!));
    const lost = [...requestIds].filter((id) => !rowsById.has(id)).map((id) => `${id} (${expected.get(id)?.kind})`);
    const doubled = [...rowsById.entries()].filter(([, list]) => list.length > 1).map(([id]) => id);
    const orphans = rows.filter((row) => !requestIds.has(String(row.conversation_id)));
    const wrongStatus = rows
      .filter((row) => {
        const want = expected.get(String(row.conversation_id));
        return !want || row.status !== want.status || !want.httpStatus.includes(row.http_status as number | null) || (want.errorType !== null && row.error_type !== want.errorType);
      })
      .map((row) => `${row.conversation_id} (${expected.get(String(row.conversation_id))?.kind}): ${row.status}/${row.http_status}/${row.error_type}`);

    const byStatus = Object.fromEntries(['ok', 'error', 'aborted'].map((s) => [s, rows.filter((r) => r.status === s).length]));
    console.log(`soak: ${SECONDS} s, ${requests.length} requests reached the upstream, ${rows.length} rows (${JSON.stringify(byStatus)}), `
      + `lost ${lost.length}, doubled ${doubled.length}, rows without a request ${orphans.length}, wrong status ${wrongStatus.length}; `
      + `${eventsAccepted} events accepted, ${reportsRead} reports read`);

    expect(surprises).toEqual([]);
    expect(requests.length).toBe(expected.size); // every call we made reached the upstream once
    expect(lost).toEqual([]);
    expect(doubled).toEqual([]);
    expect(orphans).toEqual([]);
    expect(wrongStatus).toEqual([]);
    expect(rows).toHaveLength(requests.length);
    expect(h.cpr.recorder.stats()).toMatchObject({ failedWrites: 0, buffered: 0, dropped: 0 });
    expect(h.cpr.ledger.db.prepare('SELECT COUNT(*) FROM events').pluck().get()).toBe(eventsAccepted);

    // The report's totals are the sums of the rows, computed here row by row.
    const report = (await (await fetch(`${h.cpr.url}/api/report?${window}`)).json()) as { totals: { llmCalls: number; llmCostUsd: number } };
    const costOfRows = rows.reduce((sum, row) => sum + (typeof row.cost_usd === 'number' ? row.cost_usd : 0), 0);
    expect(report.totals.llmCalls).toBe(rows.length);
    expect(report.totals.llmCostUsd).toBeCloseTo(costOfRows, 9);
  }, SECONDS * 1000 + 30_000);
});

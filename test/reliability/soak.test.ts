import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SimScript } from '../../src/simulator/index.js';
import { eventually, startProxyHarness, type CallRow, type ProxyHarness } from '../support/proxy-harness.js';

/**
 * The soak: a bounded load on loopback of mixed calls, with client disconnects and upstream
 * failures, while events are posted and reports read. `npm test` runs it for 8 s;
 * `npm run soak` for CPR_SOAK_SECONDS (180).
 */
const SECONDS = Number(process.env.CPR_SOAK_SECONDS ?? 8);
const WORKERS = 8;

/** The row a call must leave; `httpStatus` lists the acceptable values. */
type Expected = { status: 'ok' | 'error' | 'aborted'; httpStatus: ReadonlyArray<number | null>; errorType: string | null };

/** One kind of call: how it is sent, what the upstream is scripted to do, and the row it must leave. */
interface Kind {
  name: string;
  weight: number;
  stream: boolean;
  script: SimScript;
  /** For disconnects: abort after this many stream chunks, or after this many ms (JSON). */
  abortAfterChunks?: number;
  abortAfterMs?: number;
  expected: Expected;
}

const OK: Expected = { status: 'ok', httpStatus: [200], errorType: null };
const ABORTED: Expected = { status: 'aborted', httpStatus: [200], errorType: 'client_disconnected' };
// A client that leaves a JSON call may leave before the upstream's headers reach the proxy (no
// HTTP status then) or while the proxy reads the body (200): both are what happened.
const ABORTED_JSON: Expected = { ...ABORTED, httpStatus: [200, null] };
const CUT: Expected = { status: 'error', httpStatus: [200], errorType: 'upstream_stream_error' };

const KINDS: Kind[] = [
  { name: 'json ok', weight: 30, stream: false, script: {}, expected: OK },
  { name: 'stream ok', weight: 30, stream: true, script: { chunks: 6, chunkDelayMs: 2 }, expected: OK },
  { name: 'stream, client leaves', weight: 8, stream: true, script: { chunks: 30, chunkDelayMs: 20 }, abortAfterChunks: 2, expected: ABORTED },
  { name: 'json, client leaves', weight: 5, stream: false, script: { stallAfterChunks: 1 }, abortAfterMs: 60, expected: ABORTED_JSON },
  { name: 'json 429', weight: 8, stream: false, script: { status: 429 }, expected: { status: 'error', httpStatus: [429], errorType: 'rate_limit_exceeded' } },
  { name: 'stream 500', weight: 6, stream: true, script: { status: 500 }, expected: { status: 'error', httpStatus: [500], errorType: null } },
  { name: 'stream cut by upstream', weight: 8, stream: true, script: { chunks: 10, destroyAfterChunks: 2 }, expected: CUT },
  { name: 'json cut by upstream', weight: 5, stream: false, script: { destroyAfterChunks: 1 }, expected: CUT },
];

function pickKind(): Kind {
  let roll = Math.random() * KINDS.reduce((sum, k) => sum + k.weight, 0);
  for (const kind of KINDS) if ((roll -= kind.weight) < 0) return kind;
  return KINDS[0]!;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(async () => h.close());

describe(`soak (${SECONDS} s, ${WORKERS} concurrent clients)`, () => {
  it('leaves exactly one row of the right status per upstream request, and reports that add up', async () => {
    const expected = new Map<string, Expected & { kind: string }>();
    const surprises: string[] = [];
    let gate: Promise<void> = Promise.resolve();

    // The simulator hands out scripts first come, first served. So that each request gets the
    // script meant for it, one request at a time goes from "enqueued" to "taken by the
    // simulator" (its body read); the responses themselves overlap freely.
    async function dispatch<T>(id: string, script: SimScript, send: () => Promise<T>): Promise<{ result: Promise<T> }> {
      const previous = gate;
      let release!: () => void;
      gate = new Promise((resolve) => (release = resolve));
      await previous;
      try {
        h.sim.enqueue(script);
        const result = send();
        result.catch(() => {}); // handled by the caller; not "unhandled" while we wait here
        const deadline = Date.now() + 5000;
        while (!h.sim.requests.slice(-WORKERS * 2).some((r) => r.headers['x-soak-id'] === id && r.body !== '')) {
          if (Date.now() > deadline) throw new Error(`request ${id} never reached the upstream`);
          await sleep(1);
        }
        return { result };
      } finally {
        release();
      }
    }

    async function oneCall(id: string, kind: Kind): Promise<void> {
      expected.set(id, { ...kind.expected, kind: kind.name });
      const abort = new AbortController();
      const headers = { 'x-cpr-conversation-id': id, 'x-soak-id': id };
      const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `Where is my order ${id}?` }] };
      const options = { headers, signal: abort.signal };
      const { result } = await dispatch(id, kind.script, async () => {
        if (!kind.stream) return (await h.client.chat.completions.create(body, options)).choices[0]?.message.content ?? null;
        const stream = await h.client.chat.completions.create({ ...body, stream: true }, options);
        let chunks = 0;
        let finish: string | null = null;
        for await (const chunk of stream) {
          chunks += 1;
          finish = chunk.choices[0]?.finish_reason ?? finish;
          if (kind.abortAfterChunks !== undefined && chunks >= kind.abortAfterChunks) abort.abort();
        }
        return finish;
      });
      if (kind.abortAfterMs !== undefined) setTimeout(() => abort.abort(), kind.abortAfterMs);
      // What the client saw must agree with the script: a person reads this as the oracle.
      const outcome = await result.then((value) => ({ ok: true, value }), (error: unknown) => ({ ok: false, value: error as Error & { status?: number } }));
      const wanted = kind.expected;
      const agrees = wanted.status === 'ok' ? outcome.ok && outcome.value !== null
        // (The SDK ends a stream quietly when its own signal aborts it: no finish reason then.)
        : wanted.status === 'aborted' ? abort.signal.aborted && (!outcome.ok || outcome.value === null)
          : !outcome.ok && (wanted.httpStatus.includes(200) || wanted.httpStatus.includes((outcome.value as { status?: number }).status ?? null));
      if (!agrees) surprises.push(`${id} (${kind.name}): client saw ${outcome.ok ? 'success' : String(outcome.value)}`);
    }

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

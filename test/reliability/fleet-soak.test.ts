import { existsSync } from 'node:fs';
import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { createTestDatabase, startDedicatedPostgres, type TestDatabase, type TestPostgresServer } from '../support/postgres.js';
import { startServeChild, stopChild, type ServeChild } from './cli-process.js';
import { pickKind, soakLoad, type Kind } from './soak-load.js';

/**
 * The fleet soak: three `cpr-meter serve` processes (the built CLI, as installed) on ONE
 * PostgreSQL database, under the soak's mixed load (calls of every kind spread over the three,
 * events posted and reports read on them). Then one replica is killed (`kill -9`) and started
 * again, and PostgreSQL itself is stopped and restarted, all under load. Every call that reached
 * the upstream (counted there) must leave exactly one row, none doubled, and every replica must
 * answer the same report.
 */
const WORKERS = 8;
/** Seconds of load in each phase: all three; after the kill; PostgreSQL down; after its restart. */
const PHASE_S = { three: 4, afterKill: 2, down: 3, afterRestart: 4 };

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

let sim: SimulatedUpstream;
let server: TestPostgresServer;
let database: TestDatabase;
const replicas: Array<ServeChild | undefined> = [];

const startReplica = () => startServeChild({ db: database.url, upstream: sim.openaiBaseUrl, built: true });

beforeAll(async () => {
  if (!existsSync('dist/cli/main.js')) throw new Error('the fleet soak runs the built CLI: npm run build first (npm test does)');
  sim = await startSimulatedUpstream();
  server = await startDedicatedPostgres();
  database = await createTestDatabase(server.url);
  // Three at once: each applies the migrations under the advisory lock at start.
  replicas.push(...(await Promise.all([startReplica(), startReplica(), startReplica()])));
}, 60_000);
afterAll(async () => {
  for (const replica of replicas) await stopChild(replica);
  await sim?.close();
  await server?.close();
});

interface Health {
  status: string;
  ledger: string;
  recorder: { buffered: number; dropped: number; failedWrites: number };
}
const health = async (url: string): Promise<Health> => (await fetch(`${url}/healthz`)).json() as Promise<Health>;

describe('a fleet of three serve processes on one PostgreSQL', () => {
  it('keeps exactly one row per upstream request through a kill -9 and a PostgreSQL restart, and every replica reports the same', async () => {
    const load = soakLoad({ sim, workers: WORKERS });
    const clients = replicas.map((r) => new OpenAI({ apiKey: 'sk-test-client', baseURL: `${r!.url}/v1`, maxRetries: 0 }));
    /** Which replica each call went through; the replicas in the rotation. */
    const via = new Map<string, number>();
    let live = [0, 1, 2];
    let turn = 0;
    const pick = (id: string) => () => {
      const replica = live[turn++ % live.length]!;
      via.set(id, replica);
      return clients[replica]!;
    };

    let next = 0;
    let stopped = false;
    const settled = new Map<string, { kind: Kind; agrees: boolean; settledAt: number }>();
    const workers = Array.from({ length: WORKERS }, async () => {
      while (!stopped) {
        const id = `fleet-${next++}`;
        const outcome = await load.oneCall({ id, kind: pickKind(), client: pick(id) });
        settled.set(id, outcome);
      }
    });

    // Meanwhile, on the replicas in the rotation: a helpdesk's events, and a dashboard's reports.
    let eventsAccepted = 0;
    let eventsPosted = 0;
    const window = `from=${new Date(Date.now() - 86_400_000).toISOString()}&to=${new Date(Date.now() + 86_400_000).toISOString()}`;
    const sideTraffic = (async () => {
      for (let batch = 0; !stopped; batch += 1) {
        const url = replicas[live[batch % live.length]!]!.url;
        const conversation = `fleet-${Math.max(0, next - 1)}`;
        const events = [
          { type: 'ticket.opened', eventId: `t-${batch}`, ticketId: `T-${batch}`, category: batch % 2 ? 'billing' : 'shipping' },
          { type: 'conversation.linked', eventId: `l-${batch}`, conversationId: conversation, ticketId: `T-${batch}` },
          { type: 'human.work', eventId: `w-${batch}`, ticketId: `T-${batch}`, seconds: 60 },
          { type: 'ticket.resolved', eventId: `r-${batch}`, ticketId: `T-${batch}`, by: batch % 3 ? 'ai' : 'human' },
        ];
        eventsPosted += events.length;
        // While PostgreSQL is down the event API answers 503 (nothing stored): a helpdesk retries later.
        const posted = await fetch(`${url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(events) })
          .catch(() => null);
        if (posted?.status === 200) eventsAccepted += ((await posted.json()) as { accepted: number }).accepted;
        await fetch(`${url}/api/report?${window}`).then((r) => r.text()).catch(() => null);
        await sleep(50);
      }
    })();

    await sleep(PHASE_S.three * 1000);
    const phase1 = [0, 1, 2].map((r) => [...via.values()].filter((v) => v === r).length);
    // kill -9 of the third replica, while calls are in flight through it (none on its way to it:
    // the calls sent to it before all reached the upstream; the ones after go to the others).
    const killedAt = await load.between(async () => {
      live = [0, 1];
      replicas[2]!.child.kill('SIGKILL');
      return Date.now();
    });
    await replicas[2]!.exited;
    await sleep(PHASE_S.afterKill * 1000);
    await server.stop();
    const stoppedAt = Date.now();
    await sleep(PHASE_S.down * 1000);
    await server.start();
    // The killed replica comes back (a new process: number 4), as an orchestrator would restart it.
    replicas[3] = await startReplica();
    clients[3] = new OpenAI({ apiKey: 'sk-test-client', baseURL: `${replicas[3].url}/v1`, maxRetries: 0 });
    live = [0, 1, 3];
    await sleep(PHASE_S.afterRestart * 1000);
    stopped = true;
    await Promise.all([...workers, sideTraffic]);

    // The rows that waited for PostgreSQL are written back by each replica's retry buffer.
    const deadline = Date.now() + 20_000;
    for (;;) {
      const states = await Promise.all(live.map((r) => health(replicas[r]!.url)));
      if (states.every((s) => s.status === 'ok' && s.recorder.buffered === 0)) {
        for (const s of states) expect(s.recorder.dropped).toBe(0);
        break;
      }
      if (Date.now() > deadline) throw new Error(`the replicas did not drain their retry buffers: ${JSON.stringify(states)}`);
      await sleep(100);
    }

    const client = new pg.Client({ connectionString: database.url });
    await client.connect();
    let rows: Array<{ conversation_id: string; status: string; http_status: number | null; error_type: string | null; cost_usd: number | null }>;
    let eventsStored: number;
    try {
      rows = (await client.query('SELECT conversation_id, status, http_status, error_type, cost_usd FROM llm_calls')).rows;
      eventsStored = Number((await client.query('SELECT COUNT(*) AS n FROM events')).rows[0].n);
    } finally {
      await client.end();
    }

    const requests = sim.requests.filter((r) => r.path === '/v1/chat/completions');
    const requestIds = new Set(requests.map((r) => r.headers['x-soak-id']!));
    const rowsById = new Map<string, typeof rows>();
    for (const row of rows) rowsById.set(row.conversation_id, [...(rowsById.get(row.conversation_id) ?? []), row]);
    // Through the killed replica, a call whose response was still on its way when it died may have
    // no row: the proxy died before the end of the response (the client saw the connection break).
    // So may a call the client left, or the upstream cut, shortly before: the proxy records those
    // once it has seen the end, after the client is done. A call whose response the client received
    // in full before the kill (a 2xx read to its end, a 429, a 500) has its row: it was committed first.
    const complete = (id: string) => ['json ok', 'stream ok', 'json 429', 'stream 500'].includes(load.expected.get(id)?.kind ?? '');
    const diedWith = (id: string) => via.get(id) === 2 && (settled.get(id)?.settledAt ?? Infinity) >= killedAt;
    const mayLackRow = (id: string) => diedWith(id) || (via.get(id) === 2 && !complete(id));
    const lost = [...requestIds].filter((id) => !rowsById.has(id) && !mayLackRow(id)).map((id) => `${id} (${load.expected.get(id)?.kind}, via ${via.get(id)})`);
    const doubled = [...rowsById.entries()].filter(([, list]) => list.length > 1).map(([id]) => id);
    const orphans = rows.filter((row) => !requestIds.has(row.conversation_id));
    const wrongStatus = rows.filter((row) => {
      if (diedWith(row.conversation_id)) return false;
      const want = load.expected.get(row.conversation_id);
      return !want || row.status !== want.status || !want.httpStatus.includes(row.http_status) || (want.errorType !== null && row.error_type !== want.errorType);
    }).map((row) => `${row.conversation_id} (${load.expected.get(row.conversation_id)?.kind}): ${row.status}/${row.http_status}/${row.error_type}`);
    const surprises = load.surprises.filter((line) => !diedWith(line.split(' ')[0]!));
    const died = [...requestIds].filter(diedWith);
    const leftBeforeKill = [...requestIds].filter((id) => mayLackRow(id) && !diedWith(id) && !rowsById.has(id));

    console.log(`fleet soak: ${requests.length} requests reached the upstream (${[0, 1, 2, 3].map((r) => [...via.values()].filter((v) => v === r).length).join(' / ')} `
      + `through replicas 1 / 2 / 3, killed / 3 restarted), PostgreSQL down ${PHASE_S.down} s from ${new Date(stoppedAt).toISOString().slice(11, 19)}; ${rows.length} rows; ${died.length} in flight through the killed replica (${died.filter((id) => rowsById.has(id)).length} of them with a row), `
      + `${leftBeforeKill.length} left by their client or cut by the upstream just before the kill without a row; `
      + `(phase 1: ${phase1.join(' / ')}) lost ${lost.length}, doubled ${doubled.length}, rows without a request ${orphans.length}, wrong status ${wrongStatus.length}; `
      + `events: ${eventsAccepted} accepted of ${eventsPosted} posted, ${eventsStored} stored`);

    expect(surprises).toEqual([]);
    expect(requests.length).toBe(load.expected.size); // every call made reached the upstream once
    expect(lost).toEqual([]);
    expect(doubled).toEqual([]);
    expect(orphans).toEqual([]);
    expect(wrongStatus).toEqual([]);
    // Events: every batch answered 200 is stored; one cut by the restart may be stored without its answer.
    expect(eventsStored).toBeGreaterThanOrEqual(eventsAccepted);
    expect(eventsStored).toBeLessThanOrEqual(eventsPosted);

    // Every replica answers the same report, and its totals are the rows' sums.
    const reports = await Promise.all(live.map(async (r) => (await fetch(`${replicas[r]!.url}/api/report?${window}`)).json() as Promise<Record<string, unknown> & { totals: { llmCalls: number; llmCostUsd: number } }>));
    expect(reports[1]).toEqual(reports[0]);
    expect(reports[2]).toEqual(reports[0]);
    expect(reports[0]!.totals.llmCalls).toBe(rows.length);
    expect(reports[0]!.totals.llmCostUsd).toBeCloseTo(rows.reduce((sum, row) => sum + (row.cost_usd ?? 0), 0), 9);
  }, 90_000);
});

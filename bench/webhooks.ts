/**
 * Benchmark `webhooks`: helpdesk deliveries into cpr-meter, as `serve` runs (its own process, the
 * fake upstream in another process), on a SQLite file ledger, then on a PostgreSQL one (a server
 * the benchmark starts, with PostgreSQL's durable defaults), side by side.
 *
 * - Throughput: signed Zendesk deliveries (each verified, mapped and stored: a resolution and a
 *   human-work event) per second at 16 in flight, into an idle ledger and into a busy one (the
 *   proxy recording chat completions at 16 in flight at the same time).
 * - Proxy latency under a burst: chat completions through the proxy at 4 in flight, while a
 *   helpdesk sends a burst of 1,000 deliveries at 50 in flight, against the same calls with no
 *   burst, in the same round.
 *
 * Rounds alternate; figures are medians over rounds, ratios taken within each round (and store).
 */
import { createHmac, randomUUID } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { Pool } from 'undici';
import { BENCH_BUILD_DIR, BUILD_DIR, buildSources } from './support/build.js';
import { CHAT_BODY, CHAT_HEADERS } from './support/chat-request.js';
import { startChild, startUpstreamProcess, type Child } from './support/child.js';
import type { BenchOptions } from './support/options.js';
import { saveResults } from './support/results.js';
import { scratchDir } from './support/scratch.js';
import { startTestPostgres } from '../test/support/postgres-server.js';
import { createTestDatabase } from '../test/support/postgres.js';
import { median, percentile } from './support/stats.js';
import { printTable } from './support/table.js';

const SECRET = 'bench-zendesk-secret';
let ticket = 100_000;

/** One distinct Zendesk delivery, signed now: the Time Tracking total grows by 300 s (a human.work event). */
function delivery(): { body: string; headers: Record<string, string> } {
  ticket += 1;
  const time = new Date().toISOString();
  const body = JSON.stringify({
    account_id: 22129848, id: randomUUID(), type: 'zen:event-type:ticket.custom_field_changed', subject: `zen:ticket:${ticket}`, time,
    zendesk_event_version: '2022-11-06', event: { current: '600', previous: '300', custom_field: { id: '360000000001', title: 'Total time spent (sec)' } },
    detail: { id: String(ticket), status: 'OPEN', assignee_id: '900007', requester_id: '361111111111', external_id: `conv-${ticket}`,
      tags: ['cat_billing'], via: { channel: 'web' }, type: 'QUESTION', created_at: time, updated_at: time },
  });
  const timestamp = time.replace(/\.\d{3}Z$/, 'Z');
  const signature = createHmac('sha256', SECRET).update(timestamp + body).digest('base64');
  return { body, headers: { 'content-type': 'application/json', 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': timestamp } };
}

/** Runs `total` tasks, `concurrency` at a time. */
async function pooled(total: number, concurrency: number, task: () => Promise<void>): Promise<void> {
  let started = 0;
  await Promise.all(Array.from({ length: concurrency }, async () => {
    while (started < total) {
      started += 1;
      await task();
    }
  }));
}

/** Runs the webhooks benchmark, on SQLite then PostgreSQL, and returns what it saved. */
export async function runWebhooksBenchmark(options: BenchOptions) {
  buildSources();
  const scratch = scratchDir('webhooks');
  const upstream = await startUpstreamProcess(BENCH_BUILD_DIR);
  const postgres = await startTestPostgres({ durable: true });
  try {
    const sqlite = await measureStore({ options, upstreamUrl: upstream.url, db: scratch.file('ledger.db'), label: 'SQLite' });
    const database = await createTestDatabase(postgres.url);
    const onPostgres = await measureStore({ options, upstreamUrl: upstream.url, db: database.url, label: 'PostgreSQL' });
    const results = { sqlite, postgres: onPostgres };
    if (!options.quick) saveResults('webhooks', results);
    return results;
  } finally {
    await postgres.close();
    await upstream.stop();
    scratch.remove();
  }
}

/** The figures of one store: `serve` on `db`. */
async function measureStore({ options, upstreamUrl, db, label }: { options: BenchOptions; upstreamUrl: string; db: string; label: string }) {
  let cpr: Child | undefined;
  try {
    cpr = await startChild({
      command: process.execPath,
      args: [fileURLToPath(new URL('./support/serve-cpr-helpdesks.mjs', import.meta.url)), BUILD_DIR, upstreamUrl, db],
      ready: /READY (\S+)/, ipc: true, env: { BENCH_ZENDESK_SECRET: SECRET },
    });
    const pool = new Pool(cpr.url, { connections: 128 });
    let deliveryLatencies: number[] = [];
    const post = async () => {
      const t0 = process.hrtime.bigint();
      const { body, headers } = delivery();
      const res = await pool.request({ path: '/webhooks/zendesk', method: 'POST', headers, body });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`webhook answered ${res.statusCode}`);
      deliveryLatencies.push(Number(process.hrtime.bigint() - t0) / 1e6);
    };
    const chat = async (): Promise<number> => {
      const t0 = process.hrtime.bigint();
      const res = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: CHAT_HEADERS, body: CHAT_BODY });
      await res.body.text();
      if (res.statusCode !== 200) throw new Error(`proxy answered ${res.statusCode}`);
      return Number(process.hrtime.bigint() - t0) / 1e6;
    };
    const deliveries = options.quick ? 500 : 2_000;
    const burst = 1_000;

    /** Deliveries per second at 16 in flight; with `busy`, while the proxy records calls at 16 in flight. */
    const throughput = async (busy: boolean): Promise<number> => {
      let loading = busy;
      const load = busy ? Promise.all(Array.from({ length: 16 }, async () => { while (loading) await chat(); })) : Promise.resolve();
      const t0 = process.hrtime.bigint();
      await pooled(deliveries, 16, post);
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      loading = false;
      await load;
      return deliveries / seconds;
    };

    /** Chat latencies at 4 in flight for as long as a burst of 1,000 deliveries takes (or `durationMs` without one). */
    const latency = async ({ withBurst, durationMs }: { withBurst: boolean; durationMs: number }) => {
      const latencies: number[] = [];
      let running = true;
      const t0 = Date.now();
      const calls = Promise.all(Array.from({ length: 4 }, async () => { while (running) latencies.push(await chat()); }));
      if (withBurst) await pooled(burst, 50, post);
      else while (Date.now() - t0 < durationMs) await new Promise((resolve) => setTimeout(resolve, 10));
      running = false;
      await calls;
      return { p50: percentile(latencies, 50), p99: percentile(latencies, 99), calls: latencies.length, ms: Date.now() - t0 };
    };

    await throughput(false); // warm-up
    await latency({ withBurst: true, durationMs: 0 });
    const rounds: Array<Record<string, number>> = [];
    for (let round = 0; round < options.rounds; round += 1) {
      const idle = await throughput(false);
      const busy = await throughput(true);
      deliveryLatencies = [];
      const withBurst = await latency({ withBurst: true, durationMs: 0 });
      const burstDelivery = { p50: percentile(deliveryLatencies, 50), p99: percentile(deliveryLatencies, 99), max: Math.max(...deliveryLatencies) };
      const without = await latency({ withBurst: false, durationMs: withBurst.ms });
      rounds.push({
        idleDeliveriesPerSecond: idle, busyDeliveriesPerSecond: busy, busyVsIdle: busy / idle,
        burstMs: withBurst.ms, burstDeliveriesPerSecond: burst / (withBurst.ms / 1000),
        burstDeliveryP50Ms: burstDelivery.p50, burstDeliveryP99Ms: burstDelivery.p99, burstDeliveryMaxMs: burstDelivery.max,
        proxyP50MsNoBurst: without.p50, proxyP99MsNoBurst: without.p99, proxyP50MsBurst: withBurst.p50, proxyP99MsBurst: withBurst.p99,
        p50Ratio: withBurst.p50 / without.p50, p99Ratio: withBurst.p99 / without.p99,
      });
    }
    const stats = await cpr.ask<{ webhooks: { zendesk: { counts: Record<string, number> } }; events: number }>({ type: 'stats' });
    await pool.close();
    const figures = Object.fromEntries(Object.keys(rounds[0]!).map((key) => [key, median(rounds.map((r) => r[key]!))]));
    printTable(
      `Helpdesk webhooks on ${label} (medians of ${options.rounds} rounds)`,
      ['figure', 'value'],
      [
        ['verified deliveries/s, idle ledger (16 in flight)', Math.round(figures.idleDeliveriesPerSecond!)],
        ['verified deliveries/s, busy ledger (proxy at 16 in flight)', Math.round(figures.busyDeliveriesPerSecond!)],
        ['busy vs idle', `${figures.busyVsIdle!.toFixed(2)}x`],
        ['burst of 1,000 deliveries (50 in flight), ms', Math.round(figures.burstMs!)],
        ['a delivery\'s answer during the burst, p50 / p99 / max ms', `${Math.round(figures.burstDeliveryP50Ms!)} / ${Math.round(figures.burstDeliveryP99Ms!)} / ${Math.round(figures.burstDeliveryMaxMs!)}`],
        ['proxy p50 ms, no burst / burst', `${figures.proxyP50MsNoBurst!.toFixed(2)} / ${figures.proxyP50MsBurst!.toFixed(2)} (${figures.p50Ratio!.toFixed(2)}x)`],
        ['proxy p99 ms, no burst / burst', `${figures.proxyP99MsNoBurst!.toFixed(2)} / ${figures.proxyP99MsBurst!.toFixed(2)} (${figures.p99Ratio!.toFixed(2)}x)`],
      ],
      [0, 0],
    );
    process.stdout.write(`deliveries: ${JSON.stringify(stats.webhooks.zendesk.counts)}; events stored: ${stats.events}\n`);
    return { deliveriesPerRound: deliveries, burst, rounds: options.rounds, figures, perRound: rounds, counts: stats.webhooks.zendesk.counts };
  } finally {
    await cpr?.stop();
  }
}

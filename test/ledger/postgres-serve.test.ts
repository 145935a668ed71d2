import OpenAI from 'openai';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type CprServer } from '../../src/server/start-server.js';
import { createLogger } from '../../src/logging/logger.js';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { createTestDatabase, startDedicatedPostgres, type TestDatabase, type TestPostgresServer } from '../support/postgres.js';
import { createCallTelemetry } from '../../src/telemetry/call-telemetry.js';
import { inMemoryOtel } from '../telemetry/in-memory-otel.js';

/** Log lines of a server, as written. */
function capturedLogger(): { lines: string[]; logger: ReturnType<typeof createLogger> } {
  const lines: string[] = [];
  return { lines, logger: createLogger({ level: 'debug', write: (line) => void lines.push(line) }) };
}

async function countRows(url: string): Promise<{ rows: number; distinct: number; ids: Set<string> }> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string }>('SELECT id FROM llm_calls');
    return { rows: rows.length, distinct: new Set(rows.map((r) => r.id)).size, ids: new Set(rows.map((r) => r.id)) };
  } finally {
    await client.end();
  }
}

async function chat(client: OpenAI, conversation: number): Promise<string> {
  const { response } = await client.chat.completions.create({
    model: 'gpt-4o-mini', messages: [{ role: 'user', content: `question ${conversation}` }],
  }, { headers: { 'x-cpr-conversation-id': `c${conversation % 7}` } }).withResponse();
  return response.headers.get('x-cpr-call-id')!;
}

describe('serve on a PostgreSQL ledger', () => {
  let sim: SimulatedUpstream;
  beforeAll(async () => {
    sim = await startSimulatedUpstream();
  });
  afterAll(async () => {
    await sim.close();
  });

  describe('on the run\'s server', () => {
    let database: TestDatabase;
    let cpr: CprServer;
    const log = capturedLogger();
    beforeAll(async () => {
      database = await createTestDatabase();
      cpr = await startServer({ port: 0, db: database.url, upstream: sim.openaiBaseUrl, anthropicUpstream: sim.anthropicBaseUrl, logger: log.logger, env: {} });
    });
    afterAll(async () => {
      await cpr?.close({ graceMs: 500 });
      await database?.drop();
    });

    it('records every call once, reports them, and never shows the password', async () => {
      const otel = inMemoryOtel();
      cpr.recorder.onCall(createCallTelemetry({ tracer: otel.tracerProvider.getTracer('cpr-meter'), meter: otel.meterProvider.getMeter('cpr-meter') }));
      const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${cpr.url}/v1`, maxRetries: 0 });
      // 24 calls, 8 at a time.
      const ids: string[] = [];
      for (let round = 0; round < 3; round++) ids.push(...await Promise.all(Array.from({ length: 8 }, (_, i) => chat(client, round * 8 + i))));
      // Each response ended after its row was committed: the rows are there without waiting.
      const stored = await countRows(database.url);
      expect(stored.rows).toBe(24);
      expect(stored.distinct).toBe(24);
      expect([...stored.ids].sort()).toEqual([...ids].sort());
      const health = await fetch(`${cpr.url}/healthz`);
      const body = await health.text();
      expect(health.status).toBe(200);
      expect(JSON.parse(body)).toMatchObject({ status: 'ok', ledger: 'ok' });
      const report = await (await fetch(`${cpr.url}/api/report?from=2000-01-01&to=2100-01-01`)).json() as { totals: { llmCalls: number } };
      expect(report.totals.llmCalls).toBe(24);
      const password = decodeURIComponent(new URL(database.url).password);
      expect(password.length).toBeGreaterThan(0);
      // Spans and metrics too: 24 spans, none with the password in a name or attribute.
      const spans = otel.spans().map((span) => JSON.stringify({ name: span.name, attributes: span.attributes, events: span.events }));
      expect(spans).toHaveLength(24);
      const metrics = JSON.stringify([...(await otel.collect()).values()]);
      await otel.shutdown();
      for (const text of [body, JSON.stringify(report), ...log.lines, ...spans, metrics]) expect(text).not.toContain(password);
      expect(log.lines.join('')).toContain('postgres://cpr:***@127.0.0.1');
    });
  });

  describe('when PostgreSQL stops and starts again under load', () => {
    let server: TestPostgresServer;
    let database: TestDatabase;
    beforeAll(async () => {
      server = await startDedicatedPostgres();
      database = await createTestDatabase(server.url);
    });
    afterAll(async () => {
      await server?.close();
    });

    it('starts degraded while PostgreSQL cannot be reached, serves calls, and writes their rows once it can', async () => {
      const own = await createTestDatabase(server.url);
      await server.stop();
      const log = capturedLogger();
      const cpr = await startServer({ port: 0, db: own.url, upstream: sim.openaiBaseUrl, anthropicUpstream: sim.anthropicBaseUrl,
        logger: log.logger, env: {} });
      try {
        const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${cpr.url}/v1`, maxRetries: 0 });
        const ids = [await chat(client, 1), await chat(client, 2)];
        const health = await fetch(`${cpr.url}/healthz`);
        expect(health.status).toBe(200);
        expect(await health.json()).toMatchObject({ status: 'degraded', ledger: 'unreachable', recorder: { buffered: 2 } });
        expect(log.lines.some((line) => line.includes('cannot reach the PostgreSQL ledger'))).toBe(true);
        await server.start();
        const deadline = Date.now() + 15_000;
        while (cpr.recorder.stats().buffered > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
        // Both rows, once each: the migrations were applied by the first retry that reached the server.
        const stored = await countRows(own.url);
        expect(stored.rows).toBe(2);
        expect([...stored.ids].sort()).toEqual([...ids].sort());
        expect((await (await fetch(`${cpr.url}/healthz`)).json())).toMatchObject({ status: 'ok', ledger: 'ok' });
      } finally {
        await cpr.close({ graceMs: 500 });
      }
    }, 30_000);

    it('serves every call, says degraded with a 200, and writes every row exactly once after the restart', async () => {
      const log = capturedLogger();
      const cpr = await startServer({ port: 0, db: database.url, upstream: sim.openaiBaseUrl, anthropicUpstream: sim.anthropicBaseUrl,
        logger: log.logger, env: {}, commitWaitMs: 200 });
      const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${cpr.url}/v1`, maxRetries: 0 });
      sim.reset();
      const ids: string[] = [];
      const failures: unknown[] = [];
      let running = true;
      let n = 0;
      // 6 clients in a loop until told to stop: the mixed load of a chatbot's replicas, in small.
      const workers = Array.from({ length: 6 }, async () => {
        while (running) {
          try {
            ids.push(await chat(client, n++));
          } catch (error) {
            failures.push(error);
          }
        }
      });
      const callsDone = async (count: number) => {
        while (ids.length < count) await new Promise((resolve) => setTimeout(resolve, 10));
      };
      await callsDone(50);
      await server.stop();
      const atStop = ids.length;
      await new Promise((resolve) => setTimeout(resolve, 1_200));
      const degraded = await fetch(`${cpr.url}/healthz`);
      const degradedBody = await degraded.json() as { status: string; ledger: string; recorder: { recorded: number; buffered: number; failuresByKind: Record<string, number> } };
      const whileDown = ids.length - atStop;
      await server.start();
      await callsDone(ids.length + 100);
      running = false;
      await Promise.all(workers);
      // The retry buffer drains on its own (retried every second) once PostgreSQL is back.
      const deadline = Date.now() + 15_000;
      while (cpr.recorder.stats().buffered > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 100));
      const stats = cpr.recorder.stats();
      await cpr.close({ graceMs: 500 });

      // Every LLM call went through while PostgreSQL was down.
      expect(failures).toEqual([]);
      expect(degraded.status).toBe(200);
      expect(degradedBody.status).toBe('degraded');
      expect(degradedBody.ledger).toBe('unreachable');
      expect(degradedBody.recorder.buffered).toBeGreaterThan(0);
      // Calls were recorded before the stop, served while PostgreSQL was down, and after it came back.
      expect(degradedBody.recorder.recorded).toBeGreaterThan(0);
      expect(whileDown).toBeGreaterThan(0);
      // Every request that reached the upstream has exactly one row, none doubled, none lost.
      expect(stats.buffered).toBe(0);
      expect(stats.dropped).toBe(0);
      const stored = await countRows(database.url);
      expect(sim.requests.length).toBe(ids.length);
      expect(stored.rows).toBe(ids.length);
      expect(stored.distinct).toBe(ids.length);
      expect([...stored.ids].sort()).toEqual([...ids].sort());
      // Each kind of failure logged once (until the recovery), never with the password.
      const failed = log.lines.filter((line) => line.includes('ledger write failed')).map((line) => JSON.parse(line).kind as string);
      if (process.env.CPR_TEST_VERBOSE) console.log({ calls: ids.length, atStop, whileDown, stats, failed, degradedBody });
      expect(failed.length).toBeGreaterThan(0);
      expect(new Set(failed).size).toBe(failed.length);
      expect(log.lines.some((line) => line.includes('ledger writes recovered'))).toBe(true);
      const password = decodeURIComponent(new URL(database.url).password);
      for (const line of [...log.lines, JSON.stringify(degradedBody)]) expect(line).not.toContain(password);
    }, 60_000);
  });
});

import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRecorder } from '../../src/ledger/call-recorder.js';
import { openSqliteLedger, type SqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import { silentLogger } from '../../src/logging/logger.js';
import { PriceBook } from '../../src/pricing/price-book.js';
import { startServer, type CprServer } from '../../src/server/start-server.js';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { wrapOpenAI } from '../../src/wrapper/index.js';
import { eventually, type CallRow } from '../support/proxy-harness.js';
import { tempDir } from '../support/temp-dir.js';
import { PITFALL_CASES, type PitfallCase } from './pitfall-cases.js';

/**
 * The pitfall table: each case of `pitfall-cases.ts` (payloads as the providers document them,
 * costs computed by hand from their published prices) through the proxy with the real `openai`
 * and `@anthropic-ai/sdk` clients, and through `wrapOpenAI`, streamed and not. Every call is
 * made on 2026-11-15 (prices that changed over time are taken as of then).
 */
const AT = Date.UTC(2026, 10, 15, 12);
const ASK = 'Where is my parcel?';

let sim: SimulatedUpstream;
const dir = tempDir('cpr-pitfalls-');
const servers = new Map<string, CprServer>();
let ledger: SqliteLedger;
let recorder: CallRecorder;

beforeAll(async () => {
  sim = await startSimulatedUpstream();
  ledger = openSqliteLedger({ path: dir.file('wrapper.db') });
  recorder = new CallRecorder({ ledger, logger: silentLogger });
});

afterAll(async () => {
  for (const server of servers.values()) await server.close({ graceMs: 200 });
  await recorder.close();
  await ledger.close();
  await sim.close();
  dir.remove();
});

/** A proxy per upstream provider and price file (both are properties of a proxy's upstream). */
async function proxyFor(c: PitfallCase): Promise<CprServer> {
  const key = JSON.stringify([c.upstreamProvider ?? null, c.prices ?? null]);
  let server = servers.get(key);
  if (!server) {
    server = await startServer({
      port: 0, db: dir.file(`proxy-${servers.size}.db`), upstream: sim.openaiBaseUrl, anthropicUpstream: sim.anthropicBaseUrl,
      logger: silentLogger, env: {}, now: () => AT,
      ...(c.upstreamProvider ? { upstreamProvider: c.upstreamProvider } : {}),
      ...(c.prices ? { priceOverrides: c.prices } : {}),
    });
    servers.set(key, server);
  }
  return server;
}

/** Makes the case's call with `client`: an OpenAI client through the proxy, or a wrapped one. */
async function callOpenAi(client: OpenAI, c: PitfallCase, stream: boolean): Promise<void> {
  if (c.operation === 'embeddings') {
    await client.embeddings.create({ model: c.model, input: ASK });
  } else if (c.operation === 'responses') {
    if (stream) for await (const _ of await client.responses.create({ model: c.model, input: ASK, stream: true })) void _;
    else await client.responses.create({ model: c.model, input: ASK });
  } else if (stream) {
    for await (const _ of await client.chat.completions.create({ model: c.model, messages: [{ role: 'user', content: ASK }], stream: true })) void _;
  } else {
    await client.chat.completions.create({ model: c.model, messages: [{ role: 'user', content: ASK }] });
  }
}

async function callAnthropic(server: CprServer, c: PitfallCase, stream: boolean): Promise<void> {
  const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: server.url, maxRetries: 0 });
  const params = { model: c.model, max_tokens: 1024, messages: [{ role: 'user' as const, content: ASK }] };
  if (stream) for await (const _ of await client.messages.create({ ...params, stream: true })) void _;
  else await client.messages.create(params);
}

function lastRow(db: SqliteLedger['db']): CallRow {
  return db.prepare('SELECT * FROM llm_calls ORDER BY rowid DESC LIMIT 1').get() as CallRow;
}

function expectPriced(row: CallRow, c: PitfallCase): void {
  expect(row.cost_usd).toBeCloseTo(c.expected.costUsd, 12);
  expect(row.cost_source).toBe(c.expected.costSource);
  if (c.expected.computedCostUsd !== undefined) expect(row.computed_cost_usd).toBeCloseTo(c.expected.computedCostUsd, 12);
  for (const [column, value] of Object.entries(c.expected.columns ?? {})) expect(row[column], column).toBe(value);
  expect(row.prices_version).toMatch(/^\d+\.\d+\.\d+/);
}

const streamable = (c: PitfallCase) => c.operation !== 'embeddings';

describe('the pitfall table, through the proxy', () => {
  for (const c of PITFALL_CASES) {
    for (const stream of streamable(c) ? [false, true] : [false]) {
      it(`${c.name}${stream ? ', streamed' : ''}`, async () => {
        const server = await proxyFor(c);
        sim.enqueue(c.script);
        if (c.wire === 'anthropic') await callAnthropic(server, c, stream);
        else await callOpenAi(new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 }), c, stream);
        expectPriced(lastRow(server.ledger.db), c);
      });
    }
  }

  it('answers a non-streamed call with x-cpr-cost-usd, the final cost (the provider figure when there is one)', async () => {
    const c = PITFALL_CASES.find((x) => x.expected.costSource === 'provider' && x.upstreamProvider === 'x-ai')!;
    const server = await proxyFor(c);
    // The provider says $0.0006 (6,000,000 ticks); computed from prices: $0.000555 (7.5% apart).
    sim.enqueue({ ...c.script, rawUsage: { ...c.script.rawUsage, cost_in_usd_ticks: 6_000_000 } });
    const client = new OpenAI({ apiKey: 'sk-test', baseURL: `${server.url}/v1`, maxRetries: 0 });
    const { response } = await client.chat.completions.create({ model: c.model, messages: [{ role: 'user', content: ASK }] }).withResponse();
    expect(response.headers.get('x-cpr-cost-usd')).toBe('0.0006');
    const row = lastRow(server.ledger.db);
    expect(row.cost_usd).toBe(0.0006);
    expect(row.computed_cost_usd).toBeCloseTo(0.000555, 12);
  });
});

describe('the pitfall table, through meter.wrapOpenAI', () => {
  for (const c of PITFALL_CASES.filter((x) => x.wire === 'openai')) {
    for (const stream of streamable(c) ? [false, true] : [false]) {
      it(`${c.name}${stream ? ', streamed' : ''}`, async () => {
        const prices = new PriceBook({ overrides: c.prices });
        const client = wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: sim.openaiBaseUrl, maxRetries: 0 }), {
          recorder, prices, now: () => AT, ...(c.upstreamProvider ? { upstreamProvider: c.upstreamProvider } : {}),
        });
        const count = () => (ledger.db.prepare('SELECT COUNT(*) AS n FROM llm_calls').get() as { n: number }).n;
        const before = count();
        sim.enqueue(c.script);
        await callOpenAi(client, c, stream);
        // The wrapper records after the response is handed back.
        await eventually(() => count() > before);
        expectPriced(lastRow(ledger.db), c);
      });
    }
  }
});

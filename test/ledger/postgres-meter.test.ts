import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeter, type Meter } from '../../src/meter/create-meter.js';
import { silentLogger } from '../../src/logging/logger.js';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { usePostgresDatabase } from '../support/postgres.js';

// Prices chosen for easy arithmetic, USD per million tokens: 1,000 in x 1 + 500 out x 2 = $0.002 a call.
const PRICES = { models: { 'gpt-4o-mini': { input: 1, cachedInput: 0.5, output: 2 } } };

describe('createMeter on a PostgreSQL ledger', () => {
  const database = usePostgresDatabase();
  let sim: SimulatedUpstream;
  let meter: Meter;
  beforeAll(async () => {
    sim = await startSimulatedUpstream();
    meter = createMeter({ db: database.url, prices: PRICES, logger: silentLogger, env: {}, humanHourlyRate: 60, dbPoolSize: 2 });
  });
  afterAll(async () => {
    await meter?.close();
    await sim?.close();
  });

  it('records wrapped calls and events, and reports them at the rate it stored', async () => {
    const openai = meter.wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: sim.openaiBaseUrl, maxRetries: 0 }), { conversationId: 'conv-pg' });
    for (let i = 0; i < 3; i++) {
      sim.enqueue({ usage: { input: 1000, output: 500 } });
      await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'refund?' }] });
    }
    // Half an hour of human work at the stored $60/h = $30; the ticket resolved by a human.
    await meter.humanWork({ conversationId: 'conv-pg', seconds: 1800 });
    await meter.resolve({ conversationId: 'conv-pg', by: 'human' });
    const report = await meter.report({ from: '2000-01-01', to: '2100-01-01' });
    expect(report.totals.llmCalls).toBe(3);
    expect(report.totals.llmCostUsd).toBeCloseTo(0.006, 10); // 3 x $0.002
    expect(report.totals.humanCostUsd).toBeCloseTo(30, 10);
    expect(report.totals.resolved).toBe(1);
    expect(await meter.store.readSettings('human-hourly-rate')).toMatchObject([{ value: 60, effectiveFrom: null }]);
    expect(meter.store.kind).toBe('postgres');
    expect(() => meter.ledger).toThrow(/PostgreSQL: use `store`/);
  });
});

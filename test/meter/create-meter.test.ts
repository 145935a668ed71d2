import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import express from 'express';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeter, type Meter } from '../../src/index.js';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { tempDir } from '../support/temp-dir.js';

// Prices from an override object, chosen for easy arithmetic: USD per million tokens.
const PRICES = { models: { 'gpt-4o-mini': { input: 1, cachedInput: 0.5, output: 2 } } };

const dir = tempDir();
let sim: SimulatedUpstream;
let meter: Meter;
let app: Server;
let base: string;
let clock = Date.parse('2026-11-03T10:00:00Z');

beforeAll(async () => {
  sim = await startSimulatedUpstream();
  meter = createMeter({ db: dir.file('meter.db'), prices: PRICES, logger: silentLogger, now: () => clock, env: {} });
  const openai = meter.wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: sim.openaiBaseUrl, maxRetries: 0 }));
  const chatbot = express();
  chatbot.use(meter.middleware());
  chatbot.use(express.json());
  chatbot.post('/chat', async (req, res) => {
    const completion = await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: req.body.message }] });
    if (req.body.handoff) await meter.handoff({ reason: 'asked for a human' });
    if (req.body.resolve) await meter.resolve({ by: req.body.resolve });
    res.json({ answer: completion.choices[0]!.message.content });
  });
  app = chatbot.listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => app.close(resolve));
  await meter.close();
  await sim.close();
  dir.remove();
});

const chat = (headers: Record<string, string>, body: object) =>
  fetch(`${base}/chat`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });
/**
 * Writes the calls answered so far: the wrapper hands a call to the recorder on the turn after
 * its answer, and the meter's group commit holds it until its delay passes or it is flushed.
 */
const settle = async () => {
  await new Promise((resolve) => setImmediate(resolve));
  await meter.recorder.flush();
};

describe('createMeter: a chatbot server with the middleware, the wrapped client and the helpers', () => {
  it('computes the report of what the server recorded, by hand', async () => {
    // Ticket A (implicit, conversation conv-A): one call, 1,000 in + 500 out = 1,000 x 1 + 500 x 2 = $0.002; the bot resolves it.
    sim.enqueue({ usage: { input: 1000, output: 500 } });
    expect((await chat({ 'x-cpr-conversation-id': 'conv-A' }, { message: 'refund?', resolve: 'ai' })).status).toBe(200);
    clock += 60_000;
    // Ticket T-B (conversation conv-B linked by header): two calls of 2,000 in (1,000 cached) + 1,000 out
    // = 1,000 x 1 + 1,000 x 0.5 + 1,000 x 2 = $0.0035 each, $0.007 in all; then a handoff.
    sim.enqueue({ usage: { input: 2000, cacheRead: 1000, output: 1000 } }, { usage: { input: 2000, cacheRead: 1000, output: 1000 } });
    const headers = { 'x-cpr-conversation-id': 'conv-B', 'x-cpr-ticket-id': 'T-B', 'x-cpr-category': 'billing' };
    await chat(headers, { message: 'charged twice' });
    clock += 60_000;
    await chat(headers, { message: 'human please', handoff: true });
    await settle();
    clock += 3_600_000;
    // A human works 30 minutes on T-B at $40/h = $20 and resolves it.
    await meter.humanWork({ ticketId: 'T-B', seconds: 1800 });
    await meter.resolve({ ticketId: 'T-B', by: 'human' });
    // Ticket T-H never sees the bot: 15 minutes = $10, resolved by a human.
    await meter.record([
      { type: 'ticket.opened', ticketId: 'T-H', channel: 'email' },
      { type: 'human.work', ticketId: 'T-H', seconds: 900 },
      { type: 'ticket.resolved', ticketId: 'T-H', by: 'human', eventId: 'h-res' },
    ]);
    // Redelivery of the same event id is a duplicate, not a second resolution.
    expect(await meter.record({ type: 'ticket.resolved', ticketId: 'T-H', by: 'human', eventId: 'h-res' })).toEqual({ accepted: 0, duplicates: 1, conflicts: [], warnings: [] });

    const rows = meter.ledger.db.prepare('SELECT conversation_id, ticket_id, cost_usd, source FROM llm_calls ORDER BY started_at').all() as any[];
    expect(rows.map((r) => [r.conversation_id, r.ticket_id, r.source])).toEqual([['conv-A', null, 'wrapper'], ['conv-B', 'T-B', 'wrapper'], ['conv-B', 'T-B', 'wrapper']]);

    const { totals } = await meter.report({ from: '2026-11-01', to: '2026-11-08' });
    expect(totals).toMatchObject({
      tickets: 3, resolved: 3, unresolved: 0,
      aiHandled: 2, contained: 1, escalated: 1, humanOnly: 1,
      aiResolved: 1, escalatedResolved: 1, humanOnlyResolved: 1,
      conversations: 2, llmCalls: 3, unpricedLlmCalls: 0,
      inputTokens: 5000, cachedInputTokens: 2000, outputTokens: 2500, reasoningTokens: 0,
      fcrRate: 1, reopenRate: 0,
    });
    expect(totals.llmCostUsd).toBeCloseTo(0.009, 10); // 0.002 + 0.007
    expect(totals.humanCostUsd).toBeCloseTo(30, 10); // 20 + 10
    expect(totals.totalCostUsd).toBeCloseTo(30.009, 10);
    expect(totals.costPerResolutionUsd).toBeCloseTo(10.003, 10); // 30.009 / 3
    expect(totals.aiJourneyCostPerResolutionUsd).toBeCloseTo(10.0045, 10); // (0.002 + 0.007 + 20) / 2
    expect(totals.naiveAiCostPerResolutionUsd).toBeCloseTo(0.002, 10); // 0.002 / 1
    expect(totals.humanOnlyCostPerResolutionUsd).toBeCloseTo(10, 10);
    expect(totals.costPerConversationUsd).toBeCloseTo(0.0045, 10); // 0.009 / 2 conversations with calls
    expect(totals.automationRate).toBeCloseTo(1 / 3, 10);
    expect(totals.containmentRate).toBeCloseTo(0.5, 10);
    expect(totals.escalationRate).toBeCloseTo(0.5, 10);
  });

  it('refuses an invalid event with the field and index, and a helper call with no ticket outside a request', async () => {
    await expect(meter.record([{ type: 'ticket.opened', ticketId: 'ok' }, { type: 'human.work', ticketId: 'x', seconds: -1 }] as any)).rejects.toMatchObject({
      name: 'ValidationError', index: 1, field: 'seconds',
    });
    await expect(meter.resolve({ by: 'ai' })).rejects.toMatchObject({ name: 'ValidationError', field: 'ticketId' });
  });
});

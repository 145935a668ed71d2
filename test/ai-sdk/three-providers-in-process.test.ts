import type { AddressInfo } from 'node:net';
import type { Server } from 'node:http';
import Anthropic from '@anthropic-ai/sdk';
import { createGoogle } from '@ai-sdk/google';
import { generateText, wrapLanguageModel } from 'ai';
import express from 'express';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMeter, type Meter } from '../../src/index.js';
import { silentLogger } from '../../src/logging/logger.js';
import { useSimulatedUpstream } from '../support/use-simulated-upstream.js';

// A support bot that calls three providers in process, each its own way in: it classifies with
// OpenAI (meter.wrapOpenAI), answers with Claude (meter.wrapAnthropic) and checks the answer with
// Gemini through the Vercel AI SDK (meter.aiSdkMiddleware). One conversation, linked by the
// Express middleware to one ticket, whose cost is the sum of three providers' prices.

const upstream = useSimulatedUpstream({ reset: false });
let meter: Meter;
let app: Server;
let base: string;
const clock = Date.parse('2026-11-03T10:00:00Z');

beforeAll(async () => {
  const { sim } = upstream;
  meter = createMeter({ db: upstream.dir.file('bot.db'), logger: silentLogger, now: () => clock, env: {} });
  const openai = meter.wrapOpenAI(new OpenAI({ apiKey: 'sk-test', baseURL: sim.openaiBaseUrl, maxRetries: 0 }));
  const claude = meter.wrapAnthropic(new Anthropic({ apiKey: 'sk-ant-test', baseURL: sim.anthropicBaseUrl, maxRetries: 0 }));
  const gemini = wrapLanguageModel({
    model: createGoogle({ apiKey: 'gemini-test', baseURL: `${sim.geminiBaseUrl}/v1beta` })('gemini-2.5-flash'),
    middleware: meter.aiSdkMiddleware(),
  });
  const bot = express();
  bot.use(meter.middleware());
  bot.use(express.json());
  bot.post('/chat', async (req, res) => {
    const message = String(req.body.message);
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: `Classify: ${message}` }] });
    const answer = await claude.messages.create({ model: 'claude-sonnet-4-0', max_tokens: 512, messages: [{ role: 'user', content: message }] });
    const text = answer.content[0]?.type === 'text' ? answer.content[0].text : '';
    await generateText({ model: gemini, prompt: `Is this answer polite? ${text}`, maxRetries: 0 });
    // The customer says it is solved, in the same millisecond as the calls (the clock stands
    // still): the conversation was linked before the resolution, not after it, so no follow-up.
    await meter.resolve({ by: 'ai' });
    res.json({ answer: text });
  });
  app = bot.listen(0, '127.0.0.1');
  await new Promise((resolve) => app.once('listening', resolve));
  base = `http://127.0.0.1:${(app.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise((resolve) => app.close(resolve));
  await meter.close();
});

describe('one conversation, three providers, three ways in, in process', () => {
  it('ends in one ticket whose cost is the sum of the three providers\' prices, by hand', async () => {
    upstream.sim.enqueue(
      { text: 'billing', usage: { input: 1000, output: 100 } },
      { text: 'Your refund was issued today.', usage: { input: 2000, output: 200 } },
      { text: 'Yes.', usage: { input: 1000, output: 100, reasoning: 60 } },
    );
    const response = await fetch(`${base}/chat`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', 'x-cpr-conversation-id': 'chat-3p', 'x-cpr-ticket-id': 'T-3P' },
      body: JSON.stringify({ message: 'I was charged twice' }),
    });
    expect(await response.json()).toEqual({ answer: 'Your refund was issued today.' });

    const { totals } = await meter.report({ from: '2026-11-01', to: '2026-11-08' });
    const rows = meter.ledger.db.prepare('SELECT source, provider, upstream_provider, operation, ticket_id, cost_usd FROM llm_calls ORDER BY started_at, rowid').all();
    expect(rows).toMatchObject([
      // gpt-4o-mini (0.15 in, 0.6 out): 1000 x 0.15 + 100 x 0.6 = 210 per million.
      { source: 'wrapper', provider: 'openai', upstream_provider: null, operation: 'chat', ticket_id: 'T-3P' },
      // claude-sonnet-4 (3 in, 15 out): 2000 x 3 + 200 x 15 = 9000 per million.
      { source: 'wrapper', provider: 'anthropic', upstream_provider: null, operation: 'messages', ticket_id: 'T-3P' },
      // gemini-2.5-flash at Google (0.3 in, 2.5 out, thinking billed as output): 1000 x 0.3 + 100 x 2.5 = 550 per million.
      { source: 'ai-sdk', provider: 'gemini', upstream_provider: 'google', operation: 'generate_content', ticket_id: 'T-3P' },
    ]);
    const costs = (rows as Array<{ cost_usd: number }>).map((row) => row.cost_usd);
    expect(costs[0]).toBeCloseTo(0.00021, 12);
    expect(costs[1]).toBeCloseTo(0.009, 12);
    expect(costs[2]).toBeCloseTo(0.00055, 12);
    // One ticket, resolved by the bot: 0.00021 + 0.009 + 0.00055 = $0.00976.
    expect(totals).toMatchObject({ tickets: 1, resolved: 1, aiResolved: 1, fcrRate: 1, reopenRate: 0, conversations: 1, llmCalls: 3, unpricedLlmCalls: 0, inputTokens: 4000, outputTokens: 400, reasoningTokens: 60 });
    expect(totals.llmCostUsd).toBeCloseTo(0.00976, 12);
    expect(totals.naiveAiCostPerResolutionUsd).toBeCloseTo(0.00976, 12);
  });
});

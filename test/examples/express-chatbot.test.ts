import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import type { Report } from 'cpr-meter';
import { startChatbot, type Chatbot } from '../../examples/express-chatbot/chatbot.js';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { tempDir } from '../support/temp-dir.js';

// Prices chosen for hand arithmetic, USD per million tokens: 1 per input token, 2 per output token.
const PRICES = { models: { 'gpt-4o-mini': { input: 1, output: 2 } } };

const dir = tempDir('cpr-example-chatbot-');
let sim: SimulatedUpstream;
let bot: Chatbot;

beforeAll(async () => {
  sim = await startSimulatedUpstream();
  bot = await startChatbot({ port: 0, baseURL: sim.openaiBaseUrl, apiKey: 'sk-test', db: dir.file('chatbot.db'), prices: PRICES, humanHourlyRate: 40 });
});
afterAll(async () => {
  await bot.close();
  await sim.close();
  dir.remove();
});

const post = (path: string, body: object, headers: Record<string, string> = {}, signal?: AbortSignal) =>
  fetch(`${bot.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body), signal });

describe('examples/express-chatbot', () => {
  it('answers, streams, hands off and resolves, and GET /report adds it up as computed by hand', async () => {
    // Conversation c-ai, the bot resolves it: 1,000 in + 500 out = 1,000 x 1 + 500 x 2 = $0.002 ...
    sim.enqueue({ usage: { input: 1000, output: 500 } });
    const first = await post('/chat', { conversationId: 'c-ai', message: 'Where is my order?' });
    expect(first.status).toBe(200);
    expect(await first.json()).toMatchObject({ conversationId: 'c-ai', handedOff: false, reply: expect.stringContaining('carrier') });
    // ... then a streamed turn of 1,500 in + 250 out = 1,500 + 500 = $0.002.
    sim.enqueue({ text: 'It arrives on Thursday.', usage: { input: 1500, output: 250 } });
    const stream = await post('/chat/stream', { conversationId: 'c-ai', message: 'When will it arrive?' });
    expect(stream.headers.get('content-type')).toBe('text/event-stream');
    const events = (await stream.text()).split('\n\n').filter(Boolean).map((frame) => frame.replace(/^data: /, ''));
    expect(events.at(-1)).toBe('[DONE]');
    expect(events.slice(0, -1).map((e) => (JSON.parse(e) as { delta: string }).delta).join('')).toBe('It arrives on Thursday.');
    expect(await (await post('/resolve', { conversationId: 'c-ai', by: 'ai', confirmed: true })).json()).toEqual({ conversationId: 'c-ai', resolvedBy: 'ai' });

    // Conversation c-human: 2,000 in + 1,000 out = 2,000 + 2,000 = $0.004, then the customer asks for a human:
    // a handoff and no model call; an agent works 15 minutes (900 s at $40/h = $10) and resolves it.
    sim.enqueue({ usage: { input: 2000, output: 1000 } });
    await post('/chat', { conversationId: 'c-human', message: 'I was charged twice.' });
    const upstreamCalls = sim.requests.length;
    const handoff = await post('/chat', { conversationId: 'c-human', message: 'Can I talk to a human please?' });
    expect(await handoff.json()).toMatchObject({ handedOff: true });
    expect(sim.requests.length).toBe(upstreamCalls);
    // `to` a minute ahead: an event recorded in the very millisecond of the default `to` (now) would fall outside [from, to).
    // The handoff alone makes the ticket escalated, before any human resolves it.
    const soon = () => new Date(Date.now() + 60_000).toISOString();
    expect(((await (await fetch(`${bot.url}/report?to=${soon()}`)).json()) as Report).totals).toMatchObject({ escalated: 1, contained: 1, resolved: 1 });
    expect((await post('/resolve', { conversationId: 'c-human', by: 'human', agentSeconds: 900 })).status).toBe(200);

    // Conversation c-open, named by the header, left unresolved: 500 in + 500 out = 500 + 1,000 = $0.0015.
    sim.enqueue({ usage: { input: 500, output: 500 } });
    expect((await post('/chat', { message: 'My app crashes.' }, { 'x-cpr-conversation-id': 'c-open' })).status).toBe(200);

    const report = (await (await fetch(`${bot.url}/report?to=${soon()}`)).json()) as Report;
    expect(report.totals).toMatchObject({
      tickets: 3, resolved: 2, unresolved: 1,
      aiHandled: 3, contained: 2, escalated: 1, aiResolved: 1, escalatedResolved: 1, humanOnly: 0,
      llmCalls: 4, inputTokens: 5000, outputTokens: 2250,
    });
    // LLM $0.002 + $0.002 + $0.004 + $0.0015 = $0.0095; human $10; two resolutions.
    expect(report.totals.llmCostUsd).toBeCloseTo(0.0095, 10);
    expect(report.totals.humanCostUsd).toBeCloseTo(10, 10);
    expect(report.totals.costPerResolutionUsd).toBeCloseTo(10.0095 / 2, 10);
    // What a vendor would quote: the LLM cost of the one bot-resolved ticket, $0.004.
    expect(report.totals.naiveAiCostPerResolutionUsd).toBeCloseTo(0.004, 10);
    expect(report.totals.escalationRate).toBeCloseTo(1 / 3, 10);
  });

  it('answers 400 in the JSON error shape when no conversation is named or the input is wrong', async () => {
    const missing = await post('/chat', { message: 'hello' });
    expect(missing.status).toBe(400);
    expect(await missing.json()).toEqual({ error: { message: expect.stringContaining('conversationId'), type: 'invalid_request_error' } });
    expect((await post('/resolve', { conversationId: 'c-x', by: 'robot' })).status).toBe(400);
    expect((await post('/chat', { conversationId: 'c-x' })).status).toBe(400);
    expect((await fetch(`${bot.url}/report?groupBy=colour`)).status).toBe(400);
  });

  it('stops the model when the customer goes away mid-stream, and the call is recorded as aborted', async () => {
    sim.enqueue({ chunkDelayMs: 50 });
    const customer = new AbortController();
    const res = await post('/chat/stream', { conversationId: 'c-gone', message: 'Where is my order?' }, {}, customer.signal);
    const reader = res.body!.getReader();
    await reader.read(); // the first words arrive, then the tab is closed
    customer.abort();
    const status = () => bot.meter.ledger.db.prepare("SELECT status FROM llm_calls WHERE conversation_id = 'c-gone'").pluck().get();
    for (let i = 0; i < 100 && status() === undefined; i++) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(status()).toBe('aborted');
    expect(sim.requests.at(-1)?.aborted).toBe(true);
  });

  it('answers a failed model call with a 502 in the JSON error shape, streamed or not', async () => {
    // A 400 from the model API, which the SDK does not retry (a 500 would be, twice, with back-off).
    sim.enqueue({ status: 400 }, { status: 400 });
    const logged = vi.spyOn(console, 'error').mockImplementation(() => {});
    for (const path of ['/chat', '/chat/stream']) {
      const res = await post(path, { conversationId: 'c-down', message: 'Hello?' });
      expect(res.status).toBe(502);
      expect(await res.json()).toEqual({ error: { message: 'The assistant is unavailable right now.', type: 'server_error' } });
    }
    expect(logged).toHaveBeenCalledTimes(2); // the cause goes to the log, not to the customer
    logged.mockRestore();
  });
});

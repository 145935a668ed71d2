import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

// One proxy, three upstreams: OpenAI, Groq (both OpenAI-compatible) and Gemini's native API. The
// simulator stands for all three; `@provider` says whose API each one is, so each call is priced
// by the provider that served it (genai-prices, bundled):
// - openai gpt-4o-mini: input 0.15, output 0.6 USD / 1M. 1,000 in, 200 out:
//   1000 x 0.15 + 200 x 0.6 = 150 + 120 = 270 per million = $0.00027.
// - groq llama-3.3-70b-versatile: input 0.59, output 0.79. 2,000 in, 500 out:
//   2000 x 0.59 + 500 x 0.79 = 1180 + 395 = 1575 per million = $0.001575.
// - google gemini-2.5-flash: input 0.3, cached 0.03, output 2.5. 1,000 in of which 200 cached,
//   50 out of which 30 thinking: 800 x 0.3 + 200 x 0.03 + 50 x 2.5 = 240 + 6 + 125 = 371 per million = $0.000371.
// The conversation's ticket: 0.00027 + 0.001575 + 0.000371 = $0.002216.
const OPENAI_COST = 0.00027;
const GROQ_COST = 0.001575;
const GEMINI_COST = 0.000371;
const TICKET_COST = 0.002216;

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness((sim) => ({
    upstream: [`openai=${sim.openaiBaseUrl}@openai,groq=${sim.openaiBaseUrl}@groq`, `gemini=${sim.geminiBaseUrl}@google`],
  }));
}, 30_000);
afterAll(async () => h.close());

const hello = [{ role: 'user' as const, content: 'My parcel is late' }];

describe('a conversation whose calls go to three upstreams', () => {
  it('ends in one ticket whose cost is the sum of three providers\' prices', async () => {
    const started = Date.now();
    // The default upstream (the first), the conversation in the path.
    const openai = new OpenAI({ apiKey: 'sk-openai', baseURL: `${h.cpr.url}/c/conv-3/v1`, maxRetries: 0 });
    // Groq by name in the path, before the conversation.
    const groq = new OpenAI({ apiKey: 'gsk-groq', baseURL: `${h.cpr.url}/u/groq/c/conv-3/v1`, maxRetries: 0 });
    // Gemini's native API by name, after the conversation (either order works).
    const gemini = new GoogleGenAI({ apiKey: 'gemini-key', httpOptions: { baseUrl: `${h.cpr.url}/c/conv-3/u/gemini` } });

    h.sim.enqueue({ usage: { input: 1000, output: 200 } });
    await openai.chat.completions.create({ model: 'gpt-4o-mini', messages: hello });
    h.sim.enqueue({ usage: { input: 2000, output: 500 } });
    await groq.chat.completions.create({ model: 'llama-3.3-70b-versatile', messages: hello });
    h.sim.enqueue({ usage: { input: 1000, cacheRead: 200, output: 50, reasoning: 30 } });
    await gemini.models.generateContent({ model: 'gemini-2.5-flash', contents: 'My parcel is late' });

    expect(h.sim.requests.map((r) => r.path)).toEqual(['/v1/chat/completions', '/v1/chat/completions', '/v1/models/gemini-2.5-flash:generateContent']);
    expect(h.sim.requests.map((r) => r.headers.authorization ?? r.headers['x-goog-api-key'])).toEqual(['Bearer sk-openai', 'Bearer gsk-groq', 'gemini-key']);
    const rows = h.rows().filter((r) => r.conversation_id === 'conv-3');
    expect(rows.map((r) => [r.upstream, r.upstream_provider, r.provider, r.response_model])).toEqual([
      ['openai', 'openai', 'openai', 'gpt-4o-mini-2024-07-18'],
      ['groq', 'groq', 'openai', 'llama-3.3-70b-versatile'],
      ['gemini', 'google', 'gemini', 'gemini-2.5-flash'],
    ]);
    expect(rows.map((r) => r.cost_usd)).toEqual([expect.closeTo(OPENAI_COST, 12), expect.closeTo(GROQ_COST, 12), expect.closeTo(GEMINI_COST, 12)]);

    const window = `from=${new Date(started - 60_000).toISOString()}&to=${new Date(Date.now() + 60_000).toISOString()}`;
    const ticket = (await (await fetch(`${h.cpr.url}/api/tickets/conv-3?${window}`)).json()) as { ticketId: string; cost: { llmCostUsd: number }; entries: Array<{ kind: string }> };
    expect(ticket.ticketId).toBe('conv-3');
    expect(ticket.entries.filter((e) => e.kind === 'llm-call')).toHaveLength(3);
    expect(ticket.cost.llmCostUsd).toBeCloseTo(TICKET_COST, 12);

    // The report lists each model with the provider that served it, and its cost.
    const report = (await (await fetch(`${h.cpr.url}/api/report?${window}`)).json()) as { models: Array<{ model: string; costUsd: number }> };
    const byModel = Object.fromEntries(report.models.map((m) => [m.model, m.costUsd]));
    expect(byModel).toEqual({
      'gpt-4o-mini-2024-07-18 (openai)': expect.closeTo(OPENAI_COST, 12),
      'llama-3.3-70b-versatile (groq)': expect.closeTo(GROQ_COST, 12),
      'gemini-2.5-flash (google)': expect.closeTo(GEMINI_COST, 12),
    });
  });

  it('picks an upstream with the x-cpr-upstream header, and refuses a header that contradicts the path', async () => {
    h.sim.enqueue({ usage: { input: 2000, output: 500 } });
    const client = new OpenAI({ apiKey: 'k', baseURL: `${h.cpr.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create({ model: 'llama-3.3-70b-versatile', messages: hello }, { headers: { 'x-cpr-upstream': 'groq', 'x-cpr-conversation-id': 'conv-h' } });
    const [row] = h.rows().filter((r) => r.conversation_id === 'conv-h');
    expect(row).toMatchObject({ upstream: 'groq', upstream_provider: 'groq' });
    expect(row!.cost_usd).toBeCloseTo(GROQ_COST, 12);
    // Not forwarded upstream, as every x-cpr-* header.
    expect(h.sim.requests.at(-1)!.headers['x-cpr-upstream']).toBeUndefined();

    const before = h.sim.requests.length;
    const groq = new OpenAI({ apiKey: 'k', baseURL: `${h.cpr.url}/u/groq/v1`, maxRetries: 0 });
    const error = await groq.chat.completions.create({ model: 'x', messages: hello }, { headers: { 'x-cpr-upstream': 'openai' } }).catch((e: unknown) => e);
    expect(error).toMatchObject({ status: 400, message: expect.stringContaining('x-cpr-upstream names openai') });
    expect(h.sim.requests.length).toBe(before);
  });

  it('shows each upstream\'s health on /healthz by name', async () => {
    const health = (await (await fetch(`${h.cpr.url}/healthz`)).json()) as { upstreams: Record<string, { state: string; url: string }> };
    expect(Object.keys(health.upstreams)).toEqual(['openai', 'groq', 'gemini', 'anthropic']);
    expect(health.upstreams.gemini).toMatchObject({ state: 'ok', url: h.sim.geminiBaseUrl });
    expect(health.upstreams.anthropic!.state).toBe('unknown');
  });
});

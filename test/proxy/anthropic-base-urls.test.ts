import Anthropic from '@anthropic-ai/sdk';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

// The base URLs the README gives Anthropic clients, checked with the real @anthropic-ai/sdk
// (which appends /v1/messages to its base URL) and with the request a client that appends only
// /messages sends (the AI SDK's Anthropic provider, whose default base URL is
// https://api.anthropic.com/v1).
// claude-3-5-haiku in the bundled prices: $0.8 input, $4 output per million; 2,000 in + 300 out
// = 1,600 + 1,200 = 2,800 per million = $0.0028.
const USAGE = { input: 2000, output: 300 };
const COST = 0.0028;
const MODEL = 'claude-3-5-haiku-20241022';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

const ask = { model: MODEL, max_tokens: 200, messages: [{ role: 'user' as const, content: 'Where is my parcel?' }] };
const lastRow = () => h.rows().at(-1)!;

/** POST {baseURL}/messages, as a client that appends only `/messages` sends it. */
const postMessages = (baseURL: string) => fetch(`${baseURL}/messages`, {
  method: 'POST',
  headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01' },
  body: JSON.stringify(ask),
});

describe('Anthropic clients through the proxy', () => {
  it('@anthropic-ai/sdk with the proxy as base URL', async () => {
    h.sim.enqueue({ usage: USAGE });
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: h.cpr.url, maxRetries: 0 });
    await client.messages.create(ask, { headers: { 'x-cpr-conversation-id': 'a-1' } });
    expect(h.sim.requests[0]!.path).toBe('/v1/messages');
    expect(lastRow()).toMatchObject({ provider: 'anthropic', operation: 'messages', conversation_id: 'a-1', input_tokens: 2000, output_tokens: 300, status: 'ok' });
    expect(lastRow().cost_usd).toBeCloseTo(COST, 12);
  });

  it('@anthropic-ai/sdk with /c/{conversationId} as base URL, streamed or not', async () => {
    h.sim.enqueue({ usage: USAGE }, { usage: USAGE });
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: `${h.cpr.url}/c/chat-77`, maxRetries: 0 });
    await client.messages.create(ask);
    expect(h.sim.requests[0]!.path).toBe('/v1/messages');
    expect(lastRow()).toMatchObject({ provider: 'anthropic', conversation_id: 'chat-77', streamed: 0, input_tokens: 2000, output_tokens: 300 });
    await client.messages.stream(ask).finalMessage();
    expect(h.sim.requests[1]!.path).toBe('/v1/messages');
    expect(lastRow()).toMatchObject({ provider: 'anthropic', conversation_id: 'chat-77', streamed: 1, input_tokens: 2000, output_tokens: 300 });
  });

  it('a client that appends /messages needs …/v1 and …/c/{conversationId}/v1', async () => {
    h.sim.enqueue({ usage: USAGE }, { usage: USAGE });
    expect((await postMessages(`${h.cpr.url}/v1`)).status).toBe(200);
    expect(lastRow()).toMatchObject({ provider: 'anthropic', conversation_id: null, input_tokens: 2000 });
    expect((await postMessages(`${h.cpr.url}/c/chat-78/v1`)).status).toBe(200);
    expect(lastRow()).toMatchObject({ provider: 'anthropic', conversation_id: 'chat-78', input_tokens: 2000 });
    // Without /v1 the path is /messages, which the proxy does not serve.
    const missing = await postMessages(h.cpr.url);
    expect(missing.status).toBe(404);
    expect(h.sim.requests).toHaveLength(2);
  });
});

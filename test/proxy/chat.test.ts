import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

// gpt-4o-mini in the bundled price database: 0.15 input, 0.075 cached input, 0.6 output (USD / 1M).
// Scripted usage: 1,200 input of which 1,024 cached, 300 output.
// (1200 - 1024) x 0.15 + 1024 x 0.075 + 300 x 0.6 = 26.4 + 76.8 + 180 = 283.2 per million = $0.0002832.
const USAGE = { input: 1200, cacheRead: 1024, output: 300 };
const COST = 0.0002832;

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

describe('chat completions through the proxy', () => {
  it('returns the upstream answer unchanged and records it priced, with call id and cost headers', async () => {
    h.sim.enqueue({ text: 'Your refund was issued today.', usage: USAGE });
    const { data, response } = await h.client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my refund?' }] }, { headers: { 'x-cpr-conversation-id': 'conv-1' } })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('Your refund was issued today.');
    expect(data.model).toBe('gpt-4o-mini-2024-07-18');
    expect(data.usage).toMatchObject({ prompt_tokens: 1200, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1024 } });
    const callId = response.headers.get('x-cpr-call-id')!;
    expect(Number(response.headers.get('x-cpr-cost-usd'))).toBeCloseTo(COST, 12);
    const row = h.row(callId);
    expect(row).toMatchObject({
      conversation_id: 'conv-1', provider: 'openai', operation: 'chat', request_model: 'gpt-4o-mini',
      response_model: 'gpt-4o-mini-2024-07-18', input_tokens: 1200, cache_read_tokens: 1024, cache_write_tokens: 0,
      output_tokens: 300, reasoning_tokens: 0, status: 'ok', http_status: 200, estimated: 0, streamed: 0,
      price_input: 0.15, price_cached_input: 0.075, price_output: 0.6, finish_reasons: '["stop"]',
    });
    expect(row.cost_usd).toBeCloseTo(COST, 12);
    expect(row.price_source).toMatch(/^genai-prices:openai\/gpt-4o-mini/);
    expect(row.upstream_request_id).toBe(response.headers.get('x-request-id'));
    expect(row.response_id).toBe(data.id);
  });

  it('asks for usage on a stream that did not, and hides the usage chunk and "usage": null from the client', async () => {
    h.sim.enqueue({ text: 'One two three four', usage: USAGE });
    const stream = await h.client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Count' }], stream: true },
      { headers: { 'x-cpr-conversation-id': 'conv-2' } },
    );
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('One two three four');
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
    // The upstream was asked for usage on the client's behalf.
    const sent = JSON.parse(h.sim.requests[0]!.body);
    expect(sent.stream_options).toEqual({ include_usage: true });
    const [row] = h.rows().filter((r) => r.conversation_id === 'conv-2');
    expect(row).toMatchObject({ streamed: 1, status: 'ok', input_tokens: 1200, cache_read_tokens: 1024, output_tokens: 300, estimated: 0 });
    expect(row!.cost_usd).toBeCloseTo(COST, 12);
    expect(row!.ttfc_ms).toBeGreaterThanOrEqual(0);
  });

  it('sends the client exactly the bytes it would have had straight from the upstream', async () => {
    const script = { text: 'Same bytes either way', usage: USAGE, model: 'gpt-4o-mini-2024-07-18' };
    const body = JSON.stringify({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true });
    const read = async (base: string) => {
      const res = await fetch(`${base}/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
      // ids, timestamps and OpenAI's random obfuscation padding differ per request; the rest must match byte for byte.
      return (await res.text()).replace(/"id":"[^"]+"/g, '"id":"X"').replace(/"created":\d+/g, '"created":0').replace(/"system_fingerprint":"[^"]+"/g, '').replace(/"obfuscation":"[^"]*"/g, '');
    };
    h.sim.enqueue(script);
    const direct = await read(h.sim.openaiBaseUrl);
    h.sim.enqueue(script);
    const proxied = await read(`${h.cpr.url}/v1`);
    expect(proxied).toBe(direct);
    expect(direct).not.toContain('usage');
  });

  it('passes usage through to a client that asked for it', async () => {
    h.sim.enqueue({ text: 'With usage', usage: USAGE });
    const stream = await h.client.chat.completions.create({
      model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true },
    });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    const last = chunks.at(-1)!;
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 1200, completion_tokens: 300 });
    expect(h.rows().at(-1)).toMatchObject({ input_tokens: 1200, output_tokens: 300 });
  });

  it('records legacy completions, streamed and not', async () => {
    h.sim.enqueue({ text: 'legacy', usage: { input: 10, output: 5 } }, { text: 'legacy streamed', usage: { input: 20, output: 6 } });
    await h.client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say legacy' });
    const stream = await h.client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say it', stream: true });
    let text = '';
    for await (const chunk of stream) {
      expect('usage' in chunk && chunk.usage).toBeFalsy();
      text += chunk.choices[0]?.text ?? '';
    }
    expect(text).toBe('legacy streamed');
    const rows = h.rows().slice(-2);
    // gpt-3.5-turbo-instruct: 1.5 in, 2 out. 10 x 1.5 + 5 x 2 = 25 per million; 20 x 1.5 + 6 x 2 = 42.
    expect(rows.map((r) => [r.operation, r.input_tokens, r.output_tokens, r.streamed])).toEqual([
      ['completions', 10, 5, 0],
      ['completions', 20, 6, 1],
    ]);
    expect(rows[0]!.cost_usd).toBeCloseTo(0.000025, 12);
    expect(rows[1]!.cost_usd).toBeCloseTo(0.000042, 12);
  });
});

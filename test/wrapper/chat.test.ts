import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { wrapOpenAI } from '../../src/wrapper/index.js';
import { eventually } from '../support/proxy-harness.js';
import { useWrapperHarness } from './wrapper-harness.js';

// gpt-4o-mini in the bundled price database: 0.15 input, 0.075 cached input, 0.6 output (USD / 1M).
// Scripted usage: 1,200 input of which 1,024 cached, 300 output.
// (1200 - 1024) x 0.15 + 1024 x 0.075 + 300 x 0.6 = 26.4 + 76.8 + 180 = 283.2 per million = $0.0002832.
const USAGE = { input: 1200, cacheRead: 1024, output: 300 };
const COST = 0.0002832;

const h = useWrapperHarness();

const lastRow = (conversationId: string) => eventually(() => h.rows().find((r) => r.conversation_id === conversationId));

describe('chat completions through a wrapped client', () => {
  it('returns the very client it was given, typed the same', () => {
    const client = new OpenAI({ apiKey: 'sk-x', baseURL: h.sim.openaiBaseUrl });
    const wrapped: OpenAI = wrapOpenAI(client, { recorder: h.recorder, prices: h.prices });
    expect(wrapped).toBe(client);
    expect(wrapped.chat.completions).toBe(client.chat.completions);
  });

  it('records a non-streamed call priced, with .withResponse() giving the real response', async () => {
    h.sim.enqueue({ text: 'Your refund was issued today.', usage: USAGE });
    const { data, response } = await h.client.chat.completions
      .create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Where is my refund?' }] }, { headers: { 'x-cpr-conversation-id': 'w-1' } })
      .withResponse();
    expect(data.choices[0]!.message.content).toBe('Your refund was issued today.');
    expect(data.usage).toMatchObject({ prompt_tokens: 1200, completion_tokens: 300, prompt_tokens_details: { cached_tokens: 1024 } });
    expect(response.status).toBe(200);
    expect(response.url).toBe(`${h.sim.openaiBaseUrl}/chat/completions`);
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
    // Nothing of cpr-meter's own on the answer: the wrapper adds no headers.
    expect([...response.headers.keys()].filter((name) => name.startsWith('x-cpr-'))).toEqual([]);
    const row = await lastRow('w-1');
    expect(row).toMatchObject({
      provider: 'openai', operation: 'chat', request_model: 'gpt-4o-mini', response_model: 'gpt-4o-mini-2024-07-18',
      input_tokens: 1200, cache_read_tokens: 1024, cache_write_tokens: 0, output_tokens: 300, reasoning_tokens: 0,
      status: 'ok', http_status: 200, estimated: 0, streamed: 0, ttfc_ms: null, source: 'wrapper',
      price_input: 0.15, price_cached_input: 0.075, price_output: 0.6, finish_reasons: '["stop"]',
      upstream_request_id: response.headers.get('x-request-id'), response_id: data.id,
    });
    expect(row.cost_usd).toBeCloseTo(COST, 12);
    expect(row.latency_ms).toBeGreaterThan(0);
  });

  it('asks for usage on a stream that did not, and hides the usage chunk and "usage": null from the caller', async () => {
    h.sim.enqueue({ text: 'One two three four', usage: USAGE });
    const stream = await h.client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Count' }], stream: true },
      { headers: { 'x-cpr-conversation-id': 'w-2' } },
    );
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.map((c) => c.choices[0]?.delta.content ?? '').join('')).toBe('One two three four');
    expect(chunks.every((c) => c.choices.length > 0)).toBe(true);
    expect(chunks.some((c) => 'usage' in c)).toBe(false);
    expect(JSON.parse(h.sim.requests[0]!.body).stream_options).toEqual({ include_usage: true });
    const row = await lastRow('w-2');
    expect(row).toMatchObject({ streamed: 1, status: 'ok', input_tokens: 1200, cache_read_tokens: 1024, output_tokens: 300, estimated: 0 });
    expect(row.cost_usd).toBeCloseTo(COST, 12);
    expect(row.ttfc_ms).toBeGreaterThanOrEqual(0);
  });

  it('hands the caller exactly the bytes it would have had from an unwrapped client', async () => {
    const script = { text: 'Same bytes either way', usage: USAGE, model: 'gpt-4o-mini-2024-07-18' };
    const params = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'hi' }], stream: true as const };
    // ids, timestamps and OpenAI's random obfuscation padding differ per request; the rest must match byte for byte.
    const normalise = (text: string) =>
      text.replace(/"id":"[^"]+"/g, '"id":"X"').replace(/"created":\d+/g, '"created":0').replace(/"system_fingerprint":"[^"]+"/g, '').replace(/"obfuscation":"[^"]*"/g, '');
    const plain = new OpenAI({ apiKey: 'sk-x', baseURL: h.sim.openaiBaseUrl, maxRetries: 0 });
    h.sim.enqueue(script);
    const direct = normalise(await (await plain.chat.completions.create(params).asResponse()).text());
    h.sim.enqueue(script);
    const wrapped = await h.client.chat.completions.create(params).asResponse();
    expect(normalise(await wrapped.text())).toBe(direct);
    expect(direct).not.toContain('usage');
    expect(wrapped.headers.get('content-type')).toMatch(/text\/event-stream/);
  });

  it('passes usage through to a caller that asked for it', async () => {
    h.sim.enqueue({ text: 'With usage', usage: USAGE });
    const stream = await h.client.chat.completions.create(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }], stream: true, stream_options: { include_usage: true } },
      { headers: { 'x-cpr-conversation-id': 'w-3' } },
    );
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);
    expect(chunks.at(-1)!.choices).toEqual([]);
    expect(chunks.at(-1)!.usage).toMatchObject({ prompt_tokens: 1200, completion_tokens: 300 });
    // The caller's own body went upstream as it was.
    expect(JSON.parse(h.sim.requests[0]!.body).stream_options).toEqual({ include_usage: true });
    expect(await lastRow('w-3')).toMatchObject({ input_tokens: 1200, output_tokens: 300, streamed: 1 });
  });

  it('records the chat .stream() helper, whose events and final completion are unchanged', async () => {
    h.sim.enqueue({ text: 'Helper says hi', usage: USAGE });
    const stream = h.client.chat.completions.stream(
      { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'hi' }] },
      { headers: { 'x-cpr-conversation-id': 'w-4' } },
    );
    const deltas: string[] = [];
    stream.on('content', (delta) => deltas.push(delta));
    const final = await stream.finalChatCompletion();
    expect(deltas.join('')).toBe('Helper says hi');
    expect(final.choices[0]!.message.content).toBe('Helper says hi');
    // The helper did not ask for usage, so it gets none, as from OpenAI itself.
    expect(final.usage ?? undefined).toBeUndefined();
    const row = await lastRow('w-4');
    expect(row).toMatchObject({ streamed: 1, status: 'ok', input_tokens: 1200, output_tokens: 300 });
    expect(row.cost_usd).toBeCloseTo(COST, 12);
  });

  it('records legacy completions, streamed and not', async () => {
    h.sim.enqueue({ text: 'legacy', usage: { input: 10, output: 5 } }, { text: 'legacy streamed', usage: { input: 20, output: 6 } });
    await h.client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say legacy' }, { headers: { 'x-cpr-conversation-id': 'w-5' } });
    const stream = await h.client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say it', stream: true }, { headers: { 'x-cpr-conversation-id': 'w-5' } });
    let text = '';
    for await (const chunk of stream) {
      expect('usage' in chunk && chunk.usage).toBeFalsy();
      text += chunk.choices[0]?.text ?? '';
    }
    expect(text).toBe('legacy streamed');
    const rows = await eventually(() => {
      const found = h.rows().filter((r) => r.conversation_id === 'w-5');
      return found.length === 2 ? found : undefined;
    });
    // gpt-3.5-turbo-instruct: 1.5 in, 2 out. 10 x 1.5 + 5 x 2 = 25 per million; 20 x 1.5 + 6 x 2 = 42.
    expect(rows.map((r) => [r.operation, r.input_tokens, r.output_tokens, r.streamed])).toEqual([
      ['completions', 10, 5, 0],
      ['completions', 20, 6, 1],
    ]);
    expect(rows[0]!.cost_usd).toBeCloseTo(0.000025, 12);
    expect(rows[1]!.cost_usd).toBeCloseTo(0.000042, 12);
  });
});

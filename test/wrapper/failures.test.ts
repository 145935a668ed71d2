import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { countTokens } from '../../src/usage/estimate.js';
import { wrapOpenAI } from '../../src/wrapper/index.js';
import { eventually } from '../support/proxy-harness.js';
import { useWrapperHarness } from './wrapper-harness.js';

const h = useWrapperHarness();

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Where is my parcel?' }] };
const as = (id: string, extra: { signal?: AbortSignal } = {}) => ({ headers: { 'x-cpr-conversation-id': id }, ...extra });
const rowOf = (conversationId: string) => eventually(() => h.rows().find((r) => r.conversation_id === conversationId));

describe('upstream errors through a wrapped client', () => {
  it("lets the SDK's RateLimitError reach the caller unchanged and records the call as an error costing 0", async () => {
    h.sim.enqueue({ status: 429 });
    const error = await h.client.chat.completions.create(ask, as('f-429')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rate = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rate.status).toBe(429);
    expect(rate.code).toBe('rate_limit_exceeded');
    expect(rate.headers?.get('retry-after')).toBeTruthy();
    const row = await rowOf('f-429');
    expect(row).toMatchObject({ status: 'error', http_status: 429, error_type: 'rate_limit_exceeded', cost_usd: 0, input_tokens: null, estimated: 0 });
  });

  it('records each attempt of an SDK retry, as the proxy does', async () => {
    h.sim.enqueue({ status: 500, headers: { 'retry-after-ms': '1' } }, { usage: { input: 10, output: 2 } });
    const client = h.wrap({}, { maxRetries: 1 });
    const answer = await client.chat.completions.create(ask, as('f-retry'));
    expect(answer.choices[0]!.message.content).toBeTruthy();
    const rows = await eventually(() => {
      const found = h.rows().filter((r) => r.conversation_id === 'f-retry');
      return found.length === 2 ? found : undefined;
    });
    expect(rows.map((r) => [r.status, r.http_status])).toEqual([['error', 500], ['ok', 200]]);
  });

  it('records an unreachable upstream and lets the APIConnectionError through', async () => {
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const client = wrapOpenAI(new OpenAI({ apiKey: 'sk-x', baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 }), { recorder: h.recorder, prices: h.prices });
    const error = await client.chat.completions.create(ask, as('f-down')).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(await rowOf('f-down')).toMatchObject({ status: 'error', http_status: null, error_type: 'upstream_unreachable', cost_usd: 0 });
  });

  it('records an upstream that dies mid-stream as an error with estimated usage; the caller sees the same cut', async () => {
    h.sim.enqueue({ text: 'alpha beta gamma delta epsilon', chunks: 5, destroyAfterChunks: 2, usage: { input: 10, output: 10 } });
    const stream = await h.client.chat.completions.create({ ...ask, stream: true }, as('f-died'));
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const row = await rowOf('f-died');
    expect(row).toMatchObject({ status: 'error', error_type: 'upstream_stream_error', estimated: 1, streamed: 1 });
    expect(row.output_tokens).toBe(countTokens(received.join('')));
  });
});

describe('a caller that leaves mid-stream', () => {
  it('records the call as aborted with estimated usage when its AbortSignal fires', async () => {
    h.sim.enqueue({ text: 'one two three four five six seven eight', chunks: 8, stallAfterChunks: 3 });
    const controller = new AbortController();
    const stream = await h.client.chat.completions.create({ ...ask, stream: true }, as('f-abort', { signal: controller.signal }));
    let text = '';
    let seen = 0;
    await (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        // The role chunk plus three content chunks, then leave.
        if (++seen === 4) controller.abort();
      }
    })().catch(() => undefined);
    const row = await rowOf('f-abort');
    expect(row).toMatchObject({ status: 'aborted', error_type: 'client_disconnected', estimated: 1, streamed: 1, http_status: 200 });
    // Output estimated from exactly what was streamed; input from the request with the tokenizer:
    // "Where is my parcel?" plus 3 framing tokens per message and 3 for the reply.
    expect(row.output_tokens).toBe(countTokens(text));
    expect(row.input_tokens).toBe(countTokens('Where is my parcel?') + 3 + 3);
    expect(row.cost_usd).toBeCloseTo(((row.input_tokens as number) * 0.15 + (row.output_tokens as number) * 0.6) / 1e6, 12);
    await eventually(() => h.sim.requests.at(-1)?.aborted);
  });

  it('records a loop left with break as aborted too (the SDK aborts the request)', async () => {
    h.sim.enqueue({ text: 'one two three four five six', chunks: 6, stallAfterChunks: 2 });
    const stream = await h.client.chat.completions.create({ ...ask, stream: true }, as('f-break'));
    for await (const chunk of stream) if (chunk.choices[0]?.delta.content) break;
    const row = await rowOf('f-break');
    expect(row).toMatchObject({ status: 'aborted', error_type: 'client_disconnected', estimated: 1 });
    expect(row.output_tokens).toBeGreaterThan(0);
  });

  it('records a non-streamed call aborted while its body is read', async () => {
    h.sim.enqueue({ text: 'a long answer that never finishes', stallAfterChunks: 1 });
    const controller = new AbortController();
    const pending = h.client.chat.completions.create(ask, as('f-abort-json', { signal: controller.signal }));
    await eventually(() => h.sim.requests.length === 1);
    setTimeout(() => controller.abort(), 20);
    const error = (await pending.catch((e: unknown) => e)) as Error;
    // The SDK rejects with the fetch's own AbortError here, wrapped or not: the caller gets what it always got.
    h.sim.enqueue({ text: 'a long answer that never finishes', stallAfterChunks: 1 });
    const plain = new OpenAI({ apiKey: 'sk-x', baseURL: h.sim.openaiBaseUrl, maxRetries: 0 });
    const unwrapped = new AbortController();
    const direct = plain.chat.completions.create(ask, { signal: unwrapped.signal });
    await eventually(() => h.sim.requests.length === 2);
    setTimeout(() => unwrapped.abort(), 20);
    const directError = (await direct.catch((e: unknown) => e)) as Error;
    expect([error.constructor, error.name]).toEqual([directError.constructor, directError.name]);
    const row = await rowOf('f-abort-json');
    expect(row).toMatchObject({ status: 'aborted', error_type: 'client_disconnected', streamed: 0, estimated: 1, output_tokens: 0 });
    expect(row.input_tokens).toBe(countTokens('Where is my parcel?') + 3 + 3);
  });
});

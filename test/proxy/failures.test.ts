import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startServer } from '../../src/server/start-server.js';
import { silentLogger } from '../../src/logging/logger.js';
import { eventually, startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { tempDir } from '../support/temp-dir.js';
import { countTokens } from '../../src/usage/estimate.js';

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Where is my parcel?' }] };

describe('upstream errors', () => {
  it('passes a 429 through with its status, headers and body, and records it as an error costing 0', async () => {
    h.sim.enqueue({ status: 429 });
    const direct = h.sim.requests.length;
    const error = await h.client.chat.completions.create(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rate = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rate.status).toBe(429);
    expect(rate.headers?.get('retry-after')).toBeTruthy();
    expect(rate.code).toBe('rate_limit_exceeded');
    expect(h.sim.requests.length).toBe(direct + 1);
    const row = h.rows().at(-1)!;
    expect(row).toMatchObject({ status: 'error', http_status: 429, cost_usd: 0, input_tokens: null });
    expect(row.error_type).toBe('rate_limit_exceeded');
  });

  it('passes a 500 through', async () => {
    h.sim.enqueue({ status: 500 });
    const error = await h.client.chat.completions.create(ask).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect(h.rows().at(-1)).toMatchObject({ status: 'error', http_status: 500, cost_usd: 0 });
  });

  it('passes malformed JSON to the upstream untouched; the upstream answer is the client answer', async () => {
    const res = await fetch(`${h.cpr.url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{"model": "gpt-4o-mini", ' });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.message).toMatch(/parse the JSON/);
    expect(h.sim.requests.at(-1)!.body).toBe('{"model": "gpt-4o-mini", ');
    expect(h.rows().at(-1)).toMatchObject({ status: 'error', http_status: 400, request_model: null });
  });

  it('answers 502 in OpenAI shape and records the call when the upstream is unreachable', async () => {
    const dir = tempDir();
    // Port 9 (discard) on loopback: nothing listens, the connection is refused.
    const cpr = await startServer({ port: 0, db: dir.file('x.db'), upstream: 'http://127.0.0.1:9/v1', logger: silentLogger, env: {} });
    try {
      const client = new OpenAI({ apiKey: 'sk-x', baseURL: `${cpr.url}/v1`, maxRetries: 0 });
      const error = (await client.chat.completions.create(ask).catch((e: unknown) => e)) as InstanceType<typeof OpenAI.APIError>;
      expect(error.status).toBe(502);
      expect(error.type).toBe('upstream_error');
      expect(error.code).toBe('upstream_unreachable');
      const row = cpr.ledger.db.prepare('SELECT * FROM llm_calls').get() as Record<string, unknown>;
      expect(row).toMatchObject({ status: 'error', http_status: null, error_type: 'upstream_unreachable', cost_usd: 0 });
    } finally {
      await cpr.close();
      dir.remove();
    }
  });

  it('records an upstream that dies mid-stream as an error with estimated usage, and cuts the client stream', async () => {
    h.sim.enqueue({ text: 'alpha beta gamma delta epsilon', chunks: 5, destroyAfterChunks: 2, usage: { input: 10, output: 10 } });
    const stream = await h.client.chat.completions.create({ ...ask, stream: true }, { headers: { 'x-cpr-conversation-id': 'died' } });
    const received: string[] = [];
    const error = await (async () => {
      for await (const chunk of stream) received.push(chunk.choices[0]?.delta.content ?? '');
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const row = await eventually(() => h.rows().find((r) => r.conversation_id === 'died'));
    expect(row).toMatchObject({ status: 'error', error_type: 'upstream_stream_error', estimated: 1 });
    expect(row.output_tokens).toBe(countTokens(received.join('')));
  });
});

describe('a client that disconnects mid-stream', () => {
  it('aborts the upstream request and records the call as aborted with estimated usage', async () => {
    h.sim.enqueue({ text: 'one two three four five six seven eight', chunks: 8, stallAfterChunks: 3 });
    const controller = new AbortController();
    const stream = await h.client.chat.completions.create({ ...ask, stream: true }, { signal: controller.signal, headers: { 'x-cpr-conversation-id': 'gone' } });
    let text = '';
    let seen = 0;
    await (async () => {
      for await (const chunk of stream) {
        text += chunk.choices[0]?.delta.content ?? '';
        // The role chunk plus three content chunks, then leave.
        if (++seen === 4) controller.abort();
      }
    })().catch(() => undefined);
    const row = await eventually(() => h.rows().find((r) => r.conversation_id === 'gone'));
    expect(row).toMatchObject({ status: 'aborted', error_type: 'client_disconnected', estimated: 1, streamed: 1 });
    // Output estimated from exactly what was streamed; input from the request with the tokenizer:
    // "Where is my parcel?" plus 3 framing tokens per message and 3 for the reply.
    expect(row.output_tokens).toBe(countTokens(text));
    expect(row.input_tokens).toBe(countTokens('Where is my parcel?') + 3 + 3);
    // gpt-4o-mini prices apply to the estimate: the cost is known, not null.
    expect(row.cost_usd).toBeCloseTo(((row.input_tokens as number) * 0.15 + (row.output_tokens as number) * 0.6) / 1e6, 12);
    await eventually(() => h.sim.requests.at(-1)?.aborted);
  });
});

describe('a non-streamed answer cut while it is read', () => {
  it('is recorded as an error costing 0 when the upstream dies mid-body (no usage was reported)', async () => {
    // The simulator sends the headers and half the JSON body, then destroys the socket.
    h.sim.enqueue({ text: 'never finished', destroyAfterChunks: 1, usage: { input: 10, output: 10 } });
    const error = await h.client.chat.completions.create({ ...ask }, { headers: { 'x-cpr-conversation-id': 'cut-body' } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(Error);
    const row = await eventually(() => h.rows().find((r) => r.conversation_id === 'cut-body'));
    // Definitions: a failed upstream call costs 0 unless the provider reported usage.
    expect(row).toMatchObject({ status: 'error', error_type: 'upstream_stream_error', http_status: 200, streamed: 0, estimated: 0, input_tokens: null, cost_usd: 0 });
  });
});

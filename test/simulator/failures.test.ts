import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { startSimulatedUpstream } from '../../src/simulator/index.js';
import type { SimulatedUpstream } from '../../src/simulator/index.js';
import { ANTHROPIC_HEADERS, postJson, readJson } from './http-helpers.js';

let sim: SimulatedUpstream;
let client: OpenAI;
const chat = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Hello' }] };

beforeAll(async () => {
  sim = await startSimulatedUpstream();
  client = new OpenAI({ apiKey: 'sk-test', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('scripted errors', () => {
  it('surfaces a 429 in the SDK as RateLimitError, with retry-after and OpenAI error fields', async () => {
    sim.enqueue({ status: 429 });
    const error = await client.chat.completions.create(chat).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    const rateLimit = error as InstanceType<typeof OpenAI.RateLimitError>;
    expect(rateLimit.status).toBe(429);
    expect(rateLimit.headers.get('retry-after')).toBe('1');
    expect(rateLimit.code).toBe('rate_limit_exceeded');
    expect(rateLimit.type).toBe('tokens');
    expect(rateLimit.requestID).toMatch(/^req_/);
    expect(sim.requests).toHaveLength(1);
  });

  it('surfaces a 500 in the SDK as InternalServerError, also for a stream request', async () => {
    sim.enqueue({ status: 500 });
    const error = await client.chat.completions.create({ ...chat, stream: true }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.InternalServerError);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).status).toBe(500);
    expect((error as InstanceType<typeof OpenAI.InternalServerError>).type).toBe('server_error');
  });

  it('sends a scripted error body and headers as given', async () => {
    sim.enqueue({ status: 401, errorBody: { error: { message: 'nope', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } }, headers: { 'x-extra': 'yes' } });
    const res = await postJson(`${sim.openaiBaseUrl}/chat/completions`, chat);
    expect(res.status).toBe(401);
    expect(res.headers.get('x-extra')).toBe('yes');
    expect(await readJson(res)).toEqual({ error: { message: 'nope', type: 'invalid_request_error', param: null, code: 'invalid_api_key' } });
  });

  it('answers malformed JSON with a 400 in each provider shape', async () => {
    const openai = await postJson(`${sim.openaiBaseUrl}/chat/completions`, '{"model": ');
    expect(openai.status).toBe(400);
    const body = await readJson(openai);
    expect(body.error).toMatchObject({ type: 'invalid_request_error', param: null, code: null });
    expect(body.error.message).toMatch(/^We could not parse the JSON body of your request/);

    const anthropic = await postJson(`${sim.anthropicBaseUrl}/v1/messages`, 'not json', ANTHROPIC_HEADERS);
    expect(anthropic.status).toBe(400);
    expect(await readJson(anthropic)).toMatchObject({ type: 'error', error: { type: 'invalid_request_error' } });
  });

  it('answers an unknown route with a 404 Invalid URL', async () => {
    const res = await postJson(`${sim.openaiBaseUrl}/nope`, {});
    expect(res.status).toBe(404);
    expect(await readJson(res)).toEqual({ error: { message: 'Invalid URL (POST /v1/nope)', type: 'invalid_request_error', param: null, code: null } });
  });

  it("refuses stream_options on a request that does not stream, as OpenAI does", async () => {
    const error = await client.chat.completions.create({ ...chat, stream_options: { include_usage: true } }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as InstanceType<typeof OpenAI.BadRequestError>).param).toBe('stream_options');
    expect((error as Error).message).toMatch(/The 'stream_options' parameter is only allowed when 'stream' is enabled\./);
  });

  it('answers a request without a model with a 400', async () => {
    const error = await client.chat.completions.create({ messages: chat.messages } as never).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(OpenAI.BadRequestError);
    expect((error as Error).message).toMatch(/you must provide a model parameter/);
  });
});

describe('broken streams', () => {
  it('stalls after n chunks until the client aborts, and records the abort', async () => {
    sim.enqueue({ text: 'one two three four five', stallAfterChunks: 2 });
    const controller = new AbortController();
    const stream = await client.chat.completions.create({ ...chat, stream: true }, { signal: controller.signal });
    const contents: string[] = [];
    const reading = (async () => {
      for await (const chunk of stream) {
        contents.push(chunk.choices[0]?.delta.content ?? '');
        if (contents.length === 3) controller.abort();
      }
    })();
    // The SDK ends the iteration quietly when its own signal aborts it.
    await reading;
    // The role chunk and the two content chunks arrived; nothing after.
    expect(contents).toEqual(['', 'one', ' two']);
    await vi.waitFor(() => expect(sim.requests[0]).toMatchObject({ aborted: true, completed: false }));
  });

  it('destroys the socket after n chunks: the client sees a broken stream, not an abort', async () => {
    sim.enqueue({ text: 'one two three four five', destroyAfterChunks: 2 });
    const stream = await client.chat.completions.create({ ...chat, stream: true, stream_options: { include_usage: true } });
    const contents: string[] = [];
    const reading = (async () => {
      for await (const chunk of stream) contents.push(chunk.choices[0]?.delta.content ?? '');
    })();
    await expect(reading).rejects.toThrow();
    expect(contents).toEqual(['', 'one', ' two']);
    await vi.waitFor(() => expect(sim.requests[0]).toMatchObject({ aborted: false, completed: false }));
  });

  it('cuts a JSON answer in half before destroying the socket', async () => {
    sim.enqueue({ destroyAfterChunks: 0 });
    // The headers arrived, so the SDK fails while reading the body, with fetch's own error.
    await expect(client.chat.completions.create(chat)).rejects.toThrow(/terminated/);
    await vi.waitFor(() => expect(sim.requests[0]).toMatchObject({ aborted: false, completed: false }));
  });

  it('paces chunks by chunkDelayMs', async () => {
    sim.enqueue({ text: 'one two three four', chunkDelayMs: 25 });
    const started = performance.now();
    const res = await postJson(`${sim.openaiBaseUrl}/chat/completions`, { ...chat, stream: true });
    await res.text();
    expect(performance.now() - started).toBeGreaterThanOrEqual(4 * 25 - 5);
    expect(sim.requests[0]).toMatchObject({ aborted: false, completed: true });
  });
});

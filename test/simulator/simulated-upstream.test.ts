import { readFileSync } from 'node:fs';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedUpstream } from '../../src/simulator/index.js';
import type { SimulatedUpstream } from '../../src/simulator/index.js';
import { ANTHROPIC_HEADERS, jsonPayloads, postJson, readJson, readSse } from './http-helpers.js';

const wireKeys = JSON.parse(readFileSync(new URL('../fixtures/simulator/wire-keys.json', import.meta.url), 'utf8')) as Record<string, string[]>;

let sim: SimulatedUpstream;
let client: OpenAI;
const hello = [{ role: 'user' as const, content: 'Hello' }];
const anthropicRequest = { model: 'claude-sonnet-4-0', max_tokens: 256, messages: hello };

beforeAll(async () => {
  sim = await startSimulatedUpstream({ now: () => 1_700_000_000_999 });
  client = new OpenAI({ apiKey: 'sk-test', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('startSimulatedUpstream', () => {
  it('listens on 127.0.0.1 with an OpenAI base URL ending in /v1 and an Anthropic one without', () => {
    expect(sim.openaiBaseUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/v1$/);
    expect(sim.anthropicBaseUrl).toBe(sim.openaiBaseUrl.slice(0, -'/v1'.length));
  });

  it('records each request: method, path with query, lower-cased headers, raw body', async () => {
    const body = '{"model":"gpt-4o-mini","messages":[{"role":"user","content":"Hello"}]}';
    await fetch(`${sim.openaiBaseUrl}/chat/completions?trace=1`, { method: 'POST', headers: { 'Content-Type': 'application/json', 'X-Custom': 'A' }, body });
    await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello });

    expect(sim.requests).toHaveLength(2);
    expect(sim.requests[0]).toMatchObject({ method: 'POST', path: '/v1/chat/completions?trace=1', body, aborted: false, completed: true });
    expect(sim.requests[0].headers).toMatchObject({ 'content-type': 'application/json', 'x-custom': 'A' });
    expect(sim.requests[1].headers.authorization).toBe('Bearer sk-test');
    expect(JSON.parse(sim.requests[1].body)).toEqual({ model: 'gpt-4o-mini', messages: hello });
  });

  it('answers scripts first in first out, then falls back to the default responder', async () => {
    sim.enqueue({ text: 'first' }, { text: 'second' });
    const replies = [];
    for (let i = 0; i < 3; i++) replies.push((await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello })).choices[0].message.content);
    expect(replies.slice(0, 2)).toEqual(['first', 'second']);
    expect(replies[2]).toMatch(/Thanks for reaching out/);
  });

  it('reset forgets requests and queued scripts', async () => {
    sim.enqueue({ text: 'queued' });
    await client.models.list();
    sim.reset();
    expect(sim.requests).toEqual([]);
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello });
    expect(completion.choices[0].message.content).not.toBe('queued');
  });

  it('stamps created from the injected clock, in seconds', async () => {
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello });
    expect(completion.created).toBe(1_700_000_000);
  });

  it('lists and retrieves models for pass-through', async () => {
    const models = [];
    for await (const model of client.models.list()) models.push(model.id);
    expect(models).toContain('gpt-4o-mini');
    expect(await client.models.retrieve('gpt-4o')).toMatchObject({ id: 'gpt-4o', object: 'model', owned_by: 'system' });
    await expect(client.models.retrieve('gpt-nope')).rejects.toBeInstanceOf(OpenAI.NotFoundError);
  });

  it('adds scripted headers and overrides the response model', async () => {
    sim.enqueue({ headers: { 'x-ratelimit-remaining-requests': '9' }, model: 'my-finetune' });
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello }).withResponse();
    expect(response.headers.get('x-ratelimit-remaining-requests')).toBe('9');
    expect(data.model).toBe('my-finetune');
  });

  it('closes even while a stream is stalled', async () => {
    const other = await startSimulatedUpstream();
    other.enqueue({ stallAfterChunks: 1 });
    const res = await postJson(`${other.openaiBaseUrl}/chat/completions`, { model: 'gpt-4o-mini', messages: hello, stream: true });
    expect(res.status).toBe(200);
    await other.close();
    await expect(res.text()).rejects.toThrow();
  });
});

// Hand computation: usage { input: 1000, cacheRead: 200, cacheWrite: 100, output: 50, reasoning: 10 }.
// OpenAI totals are 1000 + 50 = 1050 and report no cache writes; Anthropic's input_tokens is
// 1000 - 200 - 100 = 700; embeddings report input only.
describe('scripted usage in each provider shape', () => {
  const usage = { input: 1000, cacheRead: 200, cacheWrite: 100, output: 50, reasoning: 10 };

  it('renders chat, responses, legacy completions and embeddings usage', async () => {
    sim.enqueue({ usage }, { usage }, { usage }, { usage });
    const chat = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello });
    const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello' });
    const legacy = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Hello' });
    const embeddings = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'Hello' });

    expect(chat.usage).toEqual({
      prompt_tokens: 1000,
      completion_tokens: 50,
      total_tokens: 1050,
      prompt_tokens_details: { cached_tokens: 200, audio_tokens: 0 },
      completion_tokens_details: { reasoning_tokens: 10, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
    });
    expect(response.usage).toEqual({ input_tokens: 1000, input_tokens_details: { cached_tokens: 200 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 10 }, total_tokens: 1050 });
    expect(legacy.usage).toEqual({ prompt_tokens: 1000, completion_tokens: 50, total_tokens: 1050 });
    expect(embeddings.usage).toEqual({ prompt_tokens: 1000, total_tokens: 1000 });
  });

  it('renders Anthropic usage, streamed and not', async () => {
    sim.enqueue({ usage }, { usage });
    const message = await readJson(await postJson(`${sim.anthropicBaseUrl}/v1/messages`, anthropicRequest, ANTHROPIC_HEADERS));
    expect(message.usage).toMatchObject({ input_tokens: 700, cache_read_input_tokens: 200, cache_creation_input_tokens: 100, output_tokens: 50 });

    const events = jsonPayloads(await readSse(await postJson(`${sim.anthropicBaseUrl}/v1/messages`, { ...anthropicRequest, stream: true }, ANTHROPIC_HEADERS)));
    expect(events[0]).toMatchObject({ type: 'message_start', message: { usage: { input_tokens: 700, cache_read_input_tokens: 200, cache_creation_input_tokens: 100, output_tokens: 1 } } });
    expect(events.find((e) => e.type === 'message_delta')).toMatchObject({ usage: { output_tokens: 50 } });
  });
});

describe('wire field order (test/fixtures/simulator/wire-keys.json)', () => {
  const keys = (value: unknown): string[] => Object.keys(value as object);

  it('matches the recorded key order of every OpenAI body', async () => {
    const chat = await readJson(await postJson(`${sim.openaiBaseUrl}/chat/completions`, { model: 'gpt-4o-mini', messages: hello }));
    expect(keys(chat)).toEqual(wireKeys['chat.completion']);
    expect(keys(chat.choices[0])).toEqual(wireKeys['chat.completion.choice']);
    expect(keys(chat.choices[0].message)).toEqual(wireKeys['chat.completion.message']);
    expect(keys(chat.usage)).toEqual(wireKeys['chat.completion.usage']);

    const chunks = jsonPayloads(await readSse(await postJson(`${sim.openaiBaseUrl}/chat/completions`, { model: 'gpt-4o-mini', messages: hello, stream: true, stream_options: { include_usage: true } })));
    for (const chunk of chunks) expect(keys(chunk)).toEqual(wireKeys['chat.completion.chunk']);

    const legacy = await readJson(await postJson(`${sim.openaiBaseUrl}/completions`, { model: 'gpt-3.5-turbo-instruct', prompt: 'Hello' }));
    expect(keys(legacy)).toEqual(wireKeys.text_completion);
    expect(keys(legacy.choices[0])).toEqual(wireKeys['text_completion.choice']);

    const embeddings = await readJson(await postJson(`${sim.openaiBaseUrl}/embeddings`, { model: 'text-embedding-3-small', input: 'Hello' }));
    expect(keys(embeddings)).toEqual(wireKeys['embeddings.list']);
    expect(keys(embeddings.data[0])).toEqual(wireKeys['embeddings.item']);

    const response = await readJson(await postJson(`${sim.openaiBaseUrl}/responses`, { model: 'gpt-4o-mini', input: 'Hello' }));
    expect(keys(response)).toEqual(wireKeys.response);
    expect(keys(response.output[0])).toEqual(wireKeys['response.message']);
    expect(keys(response.usage)).toEqual(wireKeys['response.usage']);

    sim.enqueue({ status: 500 });
    const error = await readJson(await postJson(`${sim.openaiBaseUrl}/chat/completions`, { model: 'gpt-4o-mini', messages: hello }));
    expect(keys(error.error)).toEqual(wireKeys['openai.error']);
  });

  it('matches the recorded key order of every Anthropic body', async () => {
    const message = await readJson(await postJson(`${sim.anthropicBaseUrl}/v1/messages`, anthropicRequest, ANTHROPIC_HEADERS));
    expect(keys(message)).toEqual(wireKeys['anthropic.message']);
    expect(keys(message.usage)).toEqual(wireKeys['anthropic.usage']);
    sim.enqueue({ status: 429 });
    const error = await readJson(await postJson(`${sim.anthropicBaseUrl}/v1/messages`, anthropicRequest, ANTHROPIC_HEADERS));
    expect(keys(error)).toEqual(wireKeys['anthropic.error']);
    expect(error.error.type).toBe('rate_limit_error');
  });
});

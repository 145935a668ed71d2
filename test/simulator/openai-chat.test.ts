import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedUpstream } from '../../src/simulator/index.js';
import type { SimulatedUpstream } from '../../src/simulator/index.js';
import { jsonPayloads, postJson, readSse } from './http-helpers.js';

let sim: SimulatedUpstream;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulatedUpstream({ now: () => 1_750_000_000_500 });
  client = new OpenAI({ apiKey: 'sk-test', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

const hello = [{ role: 'user' as const, content: 'Hello' }];

describe('POST /v1/chat/completions', () => {
  it('answers a chat.completion with usage counted by tiktoken', async () => {
    const { data, response } = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello }).withResponse();

    expect(data.id).toMatch(/^chatcmpl-[A-Za-z0-9]{29}$/);
    expect(data.object).toBe('chat.completion');
    expect(data.created).toBe(1_750_000_000);
    expect(data.model).toBe('gpt-4o-mini-2024-07-18');
    expect(data.service_tier).toBe('default');
    expect(data.system_fingerprint).toMatch(/^fp_/);
    expect(data.choices).toHaveLength(1);
    expect(data.choices[0]).toMatchObject({ index: 0, logprobs: null, finish_reason: 'stop' });
    expect(data.choices[0].message).toMatchObject({ role: 'assistant', refusal: null, annotations: [] });
    // "Hello" and "user" are one o200k token each: 3 (priming) + 3 (framing) + 1 + 1 = 8.
    expect(data.usage?.prompt_tokens).toBe(8);
    expect(data.usage?.prompt_tokens_details).toEqual({ cached_tokens: 0, audio_tokens: 0 });
    expect(data.usage?.completion_tokens_details).toEqual({ reasoning_tokens: 0, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 });
    expect(data.usage?.total_tokens).toBe(8 + (data.usage?.completion_tokens ?? NaN));
    expect(response.headers.get('x-request-id')).toMatch(/^req_[0-9a-f]{32}$/);
    expect(response.headers.get('openai-processing-ms')).toMatch(/^\d+$/);
    expect(response.headers.get('content-encoding')).toBeNull();
  });

  it('answers a realistic support reply of about a kilobyte by default', async () => {
    const res = await postJson(`${sim.openaiBaseUrl}/chat/completions`, { model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'I need a refund' }] });
    const text = await res.text();
    expect(text.length).toBeGreaterThan(800);
    expect(text.length).toBeLessThan(1400);
    expect(JSON.parse(text).choices[0].message.content).toMatch(/refund/);
  });

  it('counts scripted text exactly: "The quick brown fox" is 4 tokens', async () => {
    sim.enqueue({ text: 'The quick brown fox' });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: hello });
    expect(completion.choices[0].message.content).toBe('The quick brown fox');
    expect(completion.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 4, total_tokens: 12 });
    expect(completion.model).toBe('gpt-4o-2024-08-06');
  });

  it('adds 64 reasoning tokens to the output of a reasoning model', async () => {
    sim.enqueue({ text: 'The quick brown fox' });
    const completion = await client.chat.completions.create({ model: 'o4-mini', messages: hello });
    expect(completion.model).toBe('o4-mini-2025-04-16');
    expect(completion.usage?.completion_tokens).toBe(4 + 64);
    expect(completion.usage?.completion_tokens_details?.reasoning_tokens).toBe(64);
  });

  it('cuts the reply at max_completion_tokens with finish_reason length', async () => {
    sim.enqueue({ text: 'The quick brown fox' });
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: hello, max_completion_tokens: 2 });
    expect(completion.choices[0]).toMatchObject({ finish_reason: 'length', message: { content: 'The quick' } });
    expect(completion.usage?.completion_tokens).toBe(2);
  });

  it('streams without usage anywhere when include_usage is not set', async () => {
    sim.enqueue({ text: 'The quick brown fox' });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello, stream: true });
    const chunks = [];
    for await (const chunk of stream) chunks.push(chunk);

    // role chunk, one chunk per word, finish chunk
    expect(chunks).toHaveLength(1 + 4 + 1);
    expect(chunks[0].choices[0].delta).toEqual({ role: 'assistant', content: '', refusal: null });
    expect(chunks.map((c) => c.choices[0].delta.content ?? '').join('')).toBe('The quick brown fox');
    expect(chunks.at(-1)?.choices[0]).toMatchObject({ delta: {}, finish_reason: 'stop' });
    expect(chunks.every((c) => !('usage' in c))).toBe(true);
    expect(new Set(chunks.map((c) => c.id)).size).toBe(1);

    sim.enqueue({ text: 'The quick brown fox' });
    const raw = await postJson(`${sim.openaiBaseUrl}/chat/completions`, { model: 'gpt-4o-mini', messages: hello, stream: true });
    expect(raw.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const body = await raw.text();
    expect(body).not.toContain('"usage"');
    expect(body.endsWith('data: [DONE]\n\n')).toBe(true);
  });

  it('streams usage:null on every chunk and a last usage-only chunk with include_usage', async () => {
    sim.enqueue({ text: 'The quick brown fox' });
    const raw = await postJson(`${sim.openaiBaseUrl}/chat/completions`, {
      model: 'gpt-4o-mini',
      messages: hello,
      stream: true,
      stream_options: { include_usage: true },
    });
    const events = await readSse(raw);
    expect(events.at(-1)?.data).toBe('[DONE]');
    const chunks = jsonPayloads(events);
    const last = chunks.at(-1) as { choices: unknown[]; usage: Record<string, unknown> };
    expect(chunks.slice(0, -1).every((c) => 'usage' in c && c.usage === null)).toBe(true);
    expect(last.choices).toEqual([]);
    expect(last.usage).toMatchObject({ prompt_tokens: 8, completion_tokens: 4, total_tokens: 12 });
    expect(chunks.every((c) => typeof c.obfuscation === 'string')).toBe(true);

    sim.enqueue({ text: 'The quick brown fox' });
    const stream = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello, stream: true, stream_options: { include_usage: true } });
    const sdkChunks = [];
    for await (const chunk of stream) sdkChunks.push(chunk);
    expect(sdkChunks.at(-1)?.choices).toEqual([]);
    expect(sdkChunks.at(-1)?.usage?.completion_tokens).toBe(4);
  });

  it('leaves obfuscation out when include_obfuscation is false', async () => {
    const raw = await postJson(`${sim.openaiBaseUrl}/chat/completions`, {
      model: 'gpt-4o-mini',
      messages: hello,
      stream: true,
      stream_options: { include_obfuscation: false },
    });
    expect(await raw.text()).not.toContain('obfuscation');
  });

  it('splits a stream into the scripted number of chunks', async () => {
    sim.enqueue({ text: 'one two three four five six', chunks: 3 });
    const events = jsonPayloads(await readSse(await postJson(`${sim.openaiBaseUrl}/chat/completions`, { model: 'gpt-4o-mini', messages: hello, stream: true })));
    const contents = events.slice(1, -1).map((c) => (c.choices as Array<{ delta: { content: string } }>)[0].delta.content);
    expect(contents).toEqual(['one two', ' three four', ' five six']);
  });

  it('sends no usage at all with omitUsage', async () => {
    sim.enqueue({ omitUsage: true }, { omitUsage: true });
    const completion = await client.chat.completions.create({ model: 'gpt-4o-mini', messages: hello });
    expect(completion).not.toHaveProperty('usage');
    const raw = await postJson(`${sim.openaiBaseUrl}/chat/completions`, { model: 'gpt-4o-mini', messages: hello, stream: true, stream_options: { include_usage: true } });
    expect(await raw.text()).not.toContain('usage');
  });
});

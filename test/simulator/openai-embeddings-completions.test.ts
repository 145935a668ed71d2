import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedUpstream } from '../../src/simulator/index.js';
import type { SimulatedUpstream } from '../../src/simulator/index.js';
import { jsonPayloads, postJson, readSse } from './http-helpers.js';

let sim: SimulatedUpstream;
let client: OpenAI;

beforeAll(async () => {
  sim = await startSimulatedUpstream();
  client = new OpenAI({ apiKey: 'sk-test', baseURL: sim.openaiBaseUrl, maxRetries: 0 });
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

describe('POST /v1/embeddings', () => {
  it('answers base64 by default to the SDK, which decodes it to 1536 floats', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world' });
    expect(JSON.parse(sim.requests[0].body)).toMatchObject({ encoding_format: 'base64' });
    expect(result.object).toBe('list');
    expect(result.model).toBe('text-embedding-3-small');
    expect(result.data).toHaveLength(1);
    expect(result.data[0]).toMatchObject({ object: 'embedding', index: 0 });
    expect(result.data[0].embedding).toHaveLength(1536);
    // "hello world" is 2 o200k tokens.
    expect(result.usage).toEqual({ prompt_tokens: 2, total_tokens: 2 });
  });

  it('answers the same vector as floats, one per input, honouring dimensions', async () => {
    const base64 = await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hello world' });
    const floats = await client.embeddings.create({ model: 'text-embedding-3-small', input: ['hello world', 'The quick brown fox'], encoding_format: 'float' });
    expect(floats.data.map((d) => d.index)).toEqual([0, 1]);
    expect(floats.data[0].embedding).toEqual(base64.data[0].embedding);
    expect(floats.usage.prompt_tokens).toBe(2 + 4);
    const norm = Math.hypot(...floats.data[1].embedding);
    expect(norm).toBeCloseTo(1, 5);

    const small = await client.embeddings.create({ model: 'text-embedding-3-large', input: 'x', dimensions: 256 });
    expect(small.data[0].embedding).toHaveLength(256);
  });

  it('counts token-array inputs by their length', async () => {
    const result = await client.embeddings.create({ model: 'text-embedding-3-small', input: [[1, 2, 3], [4, 5]] });
    expect(result.data).toHaveLength(2);
    expect(result.usage.prompt_tokens).toBe(5);
  });
});

describe('POST /v1/completions (legacy)', () => {
  it('answers a text_completion, cut at the default max_tokens of 16', async () => {
    const completion = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Hello' });
    expect(completion.id).toMatch(/^cmpl-/);
    expect(completion.object).toBe('text_completion');
    expect(completion.model).toBe('gpt-3.5-turbo-instruct');
    expect(completion.choices[0]).toMatchObject({ index: 0, logprobs: null, finish_reason: 'length' });
    // Prompt "Hello" is 1 token, with no per-message framing on this endpoint.
    expect(completion.usage).toEqual({ prompt_tokens: 1, completion_tokens: 16, total_tokens: 17 });
  });

  it('stops normally when max_tokens allows the whole reply', async () => {
    sim.enqueue({ text: 'The quick brown fox' });
    const completion = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Hello', max_tokens: 100 });
    expect(completion.choices[0]).toMatchObject({ text: 'The quick brown fox', finish_reason: 'stop' });
    expect(completion.usage).toEqual({ prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 });
  });

  it('streams with include_usage semantics like chat', async () => {
    sim.enqueue({ text: 'The quick brown fox' }, { text: 'The quick brown fox' });
    const withUsage = jsonPayloads(
      await readSse(await postJson(`${sim.openaiBaseUrl}/completions`, { model: 'gpt-3.5-turbo-instruct', prompt: 'Hello', max_tokens: 100, stream: true, stream_options: { include_usage: true } })),
    );
    expect(withUsage.slice(0, -1).every((c) => c.usage === null && c.object === 'text_completion')).toBe(true);
    expect(withUsage.at(-1)).toMatchObject({ choices: [], usage: { prompt_tokens: 1, completion_tokens: 4, total_tokens: 5 } });
    expect(withUsage.at(-2)).toMatchObject({ choices: [{ text: '', finish_reason: 'stop' }] });

    const stream = await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Hello', max_tokens: 100, stream: true });
    let text = '';
    for await (const chunk of stream) {
      expect(chunk).not.toHaveProperty('usage');
      text += chunk.choices[0]?.text ?? '';
    }
    expect(text).toBe('The quick brown fox');
  });
});

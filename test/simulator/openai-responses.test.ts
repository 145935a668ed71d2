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

// "Hello" and "user" are one o200k token each: 3 + (3 + 1 + 1) = 8 input tokens.
// "The quick brown fox" is 4 output tokens.
describe('POST /v1/responses', () => {
  it('answers a completed response object with usage', async () => {
    sim.enqueue({ text: 'The quick brown fox' });
    const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello' });

    expect(response.id).toMatch(/^resp_[0-9a-f]{50}$/);
    expect(response.object).toBe('response');
    expect(response.status).toBe('completed');
    expect(response.model).toBe('gpt-4o-mini-2024-07-18');
    expect(response.output).toHaveLength(1);
    expect(response.output[0]).toMatchObject({
      type: 'message',
      status: 'completed',
      role: 'assistant',
      content: [{ type: 'output_text', text: 'The quick brown fox', annotations: [] }],
    });
    expect(response.output_text).toBe('The quick brown fox');
    expect(response.usage).toEqual({
      input_tokens: 8,
      input_tokens_details: { cached_tokens: 0 },
      output_tokens: 4,
      output_tokens_details: { reasoning_tokens: 0 },
      total_tokens: 12,
    });
  });

  it('counts instructions and input items, and gives reasoning models a reasoning item', async () => {
    sim.enqueue({ text: 'The quick brown fox' });
    const response = await client.responses.create({
      model: 'gpt-5-mini',
      instructions: 'Hi',
      input: [{ role: 'user', content: [{ type: 'input_text', text: 'Hello' }] }],
    });
    // 3 + (3 + "system" 1 + "Hi" 1) + (3 + "user" 1 + "Hello" 1) = 13
    expect(response.usage?.input_tokens).toBe(13);
    expect(response.usage?.output_tokens).toBe(4 + 64);
    expect(response.usage?.output_tokens_details.reasoning_tokens).toBe(64);
    expect(response.output.map((o) => o.type)).toEqual(['reasoning', 'message']);
    expect(response.output_text).toBe('The quick brown fox');
  });

  it('streams the semantic events, numbered, with usage on response.completed', async () => {
    sim.enqueue({ text: 'The quick brown fox' });
    const stream = client.responses.stream({ model: 'gpt-4o-mini', input: 'Hello' });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'response.output_text.delta') text += event.delta;
    }
    const final = await stream.finalResponse();

    expect(types).toEqual([
      'response.created',
      'response.in_progress',
      'response.output_item.added',
      'response.content_part.added',
      ...Array(4).fill('response.output_text.delta'),
      'response.output_text.done',
      'response.content_part.done',
      'response.output_item.done',
      'response.completed',
    ]);
    expect(text).toBe('The quick brown fox');
    expect(final.output_text).toBe('The quick brown fox');
    expect(final.usage).toMatchObject({ input_tokens: 8, output_tokens: 4, total_tokens: 12 });
  });

  it('names each SSE event after its type, numbers them from 0 and sends no [DONE]', async () => {
    const raw = await postJson(`${sim.openaiBaseUrl}/responses`, { model: 'gpt-4o-mini', input: 'Where is my package?', stream: true });
    expect(raw.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = await readSse(raw);
    expect(events.some((e) => e.data === '[DONE]')).toBe(false);
    const payloads = jsonPayloads(events);
    expect(events.map((e) => e.event)).toEqual(payloads.map((p) => p.type));
    expect(payloads.map((p) => p.sequence_number)).toEqual(payloads.map((_, i) => i));
    const created = payloads[0] as { response: { status: string; usage: unknown } };
    expect(created.response).toMatchObject({ status: 'in_progress', usage: null });
    const completed = payloads.at(-1) as { response: { usage: { input_tokens: number } } };
    // 3 + (3 + "user" 1 + "Where is my package?" 5) = 12
    expect(completed.response.usage.input_tokens).toBe(12);
  });

  it('stops at max_output_tokens with status incomplete and a response.incomplete event', async () => {
    sim.enqueue({ text: 'The quick brown fox' }, { text: 'The quick brown fox' });
    const response = await client.responses.create({ model: 'gpt-4o-mini', input: 'Hello', max_output_tokens: 3 });
    expect(response.status).toBe('incomplete');
    expect(response.incomplete_details).toEqual({ reason: 'max_output_tokens' });
    expect(response.output_text).toBe('The quick brown');
    expect(response.usage?.output_tokens).toBe(3);

    const payloads = jsonPayloads(await readSse(await postJson(`${sim.openaiBaseUrl}/responses`, { model: 'gpt-4o-mini', input: 'Hello', max_output_tokens: 3, stream: true })));
    const last = payloads.at(-1) as { type: string; response: { status: string; usage: { output_tokens: number } } };
    expect(last.type).toBe('response.incomplete');
    expect(last.response.status).toBe('incomplete');
    expect(last.response.usage.output_tokens).toBe(3);
  });
});

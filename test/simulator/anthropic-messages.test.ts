import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startSimulatedUpstream } from '../../src/simulator/index.js';
import type { SimulatedUpstream } from '../../src/simulator/index.js';
import { ANTHROPIC_HEADERS, jsonPayloads, postJson, readJson, readSse } from './http-helpers.js';

let sim: SimulatedUpstream;
const messagesUrl = (): string => `${sim.anthropicBaseUrl}/v1/messages`;
const request = { model: 'claude-sonnet-4-0', max_tokens: 1024, messages: [{ role: 'user', content: 'Hello' }] };

beforeAll(async () => {
  sim = await startSimulatedUpstream();
});
afterAll(() => sim.close());
beforeEach(() => sim.reset());

// Hand computation used below: scripted usage { input: 1000, cacheRead: 200, cacheWrite: 100,
// output: 50 }. Anthropic's input_tokens excludes both cache parts: 1000 - 200 - 100 = 700.
const scripted = { text: 'The quick brown fox', usage: { input: 1000, cacheRead: 200, cacheWrite: 100, output: 50 } };

describe('POST /v1/messages (Anthropic)', () => {
  it('answers a message with usage in Anthropic shape and a request-id header', async () => {
    sim.enqueue(scripted);
    const res = await postJson(messagesUrl(), request, ANTHROPIC_HEADERS);
    expect(res.status).toBe(200);
    expect(res.headers.get('request-id')).toMatch(/^req_01[A-Za-z0-9]{22}$/);
    expect(res.headers.get('x-request-id')).toBeNull();
    const message = await readJson(res);
    expect(message).toEqual({
      id: expect.stringMatching(/^msg_01[A-Za-z0-9]{22}$/),
      type: 'message',
      role: 'assistant',
      model: 'claude-sonnet-4-20250514',
      content: [{ type: 'text', text: 'The quick brown fox' }],
      stop_reason: 'end_turn',
      stop_sequence: null,
      usage: {
        input_tokens: 700,
        cache_creation_input_tokens: 100,
        cache_read_input_tokens: 200,
        cache_creation: { ephemeral_5m_input_tokens: 100, ephemeral_1h_input_tokens: 0 },
        output_tokens: 50,
        service_tier: 'standard',
      },
    });
  });

  it('streams message_start (input usage), text deltas, and message_delta (final output tokens)', async () => {
    sim.enqueue(scripted);
    const res = await postJson(messagesUrl(), { ...request, stream: true }, ANTHROPIC_HEADERS);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const events = await readSse(res);
    const payloads = jsonPayloads(events);

    expect(events.map((e) => e.event)).toEqual([
      'message_start',
      'content_block_start',
      'ping',
      ...Array(4).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
    expect(events.map((e) => e.event)).toEqual(payloads.map((p) => p.type));
    expect(payloads[0]).toMatchObject({
      message: { model: 'claude-sonnet-4-20250514', content: [], stop_reason: null, usage: { input_tokens: 700, cache_read_input_tokens: 200, cache_creation_input_tokens: 100, output_tokens: 1 } },
    });
    expect(payloads[1]).toEqual({ type: 'content_block_start', index: 0, content_block: { type: 'text', text: '' } });
    const text = payloads
      .filter((p) => p.type === 'content_block_delta')
      .map((p) => (p.delta as { type: string; text: string }).text)
      .join('');
    expect(text).toBe('The quick brown fox');
    expect(payloads.at(-2)).toEqual({ type: 'message_delta', delta: { stop_reason: 'end_turn', stop_sequence: null }, usage: { output_tokens: 50 } });
  });

  it('counts the system prompt and stops at max_tokens', async () => {
    sim.enqueue({ text: 'The quick brown fox' });
    const res = await postJson(messagesUrl(), { ...request, system: 'Hi', max_tokens: 2, model: 'claude-3-5-haiku-latest' }, ANTHROPIC_HEADERS);
    const message = await readJson(res);
    expect(message.model).toBe('claude-3-5-haiku-20241022');
    expect(message.stop_reason).toBe('max_tokens');
    expect(message.content[0].text).toBe('The quick');
    // 3 + (3 + "system" 1 + "Hi" 1) + (3 + "user" 1 + "Hello" 1) = 13, no cache: all of it is input_tokens.
    expect(message.usage).toMatchObject({ input_tokens: 13, cache_read_input_tokens: 0, output_tokens: 2 });
  });

  it('requires max_tokens, answering in Anthropic error shape', async () => {
    const res = await postJson(messagesUrl(), { model: 'claude-sonnet-4-0', messages: request.messages }, ANTHROPIC_HEADERS);
    expect(res.status).toBe(400);
    const body = await readJson(res);
    expect(body).toEqual({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' }, request_id: res.headers.get('request-id') });
  });

  it('sends scripted errors in Anthropic shape: 529 overloaded_error', async () => {
    sim.enqueue({ status: 529 });
    const res = await postJson(messagesUrl(), request, ANTHROPIC_HEADERS);
    expect(res.status).toBe(529);
    expect(await readJson(res)).toMatchObject({ type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } });
  });
});

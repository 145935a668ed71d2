import { createParser } from 'eventsource-parser';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

// claude-sonnet-4: 3 input, 0.3 cache read, 3.75 cache write, 15 output per million.
// Scripted: 7,100 input in all = 100 uncached + 5,000 cache reads + 2,000 cache writes; 250 output.
// 100 x 3 + 5000 x 0.3 + 2000 x 3.75 + 250 x 15 = 300 + 1500 + 7500 + 3750 = 13,050 per million.
const USAGE = { input: 7100, cacheRead: 5000, cacheWrite: 2000, output: 250 };
const COST = 0.01305;

let h: ProxyHarness;
beforeAll(async () => {
  h = await startProxyHarness();
});
afterAll(async () => h.close());
beforeEach(() => h.sim.reset());

const post = (body: object, headers: Record<string, string> = {}) =>
  fetch(`${h.cpr.url}/v1/messages`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-api-key': 'sk-ant-test', 'anthropic-version': '2023-06-01', ...headers },
    body: JSON.stringify(body),
  });

describe('Anthropic messages through the proxy', () => {
  it('adds cache reads and writes to input and prices each at its own rate', async () => {
    h.sim.enqueue({ text: 'Cached answer', usage: USAGE });
    const res = await post({ model: 'claude-sonnet-4-0', max_tokens: 100, messages: [{ role: 'user', content: 'hi' }] });
    const body = (await res.json()) as any;
    // The client sees Anthropic's own shape, unchanged.
    expect(body.usage).toMatchObject({ input_tokens: 100, cache_read_input_tokens: 5000, cache_creation_input_tokens: 2000, output_tokens: 250 });
    const row = h.row(res.headers.get('x-cpr-call-id')!);
    expect(row).toMatchObject({ provider: 'anthropic', operation: 'messages', response_model: 'claude-sonnet-4-20250514', input_tokens: 7100, cache_read_tokens: 5000, cache_write_tokens: 2000, output_tokens: 250, finish_reasons: '["end_turn"]' });
    expect(row.cost_usd).toBeCloseTo(COST, 12);
    expect(h.sim.requests[0]!.path).toBe('/v1/messages');
    expect(h.sim.requests[0]!.headers['x-api-key']).toBe('sk-ant-test');
  });

  it('reads a stream: message_start then message_delta, values replaced, not added', async () => {
    h.sim.enqueue({ text: 'Streaming from Claude now', usage: USAGE });
    const res = await post({ model: 'claude-sonnet-4-0', max_tokens: 100, stream: true, messages: [{ role: 'user', content: 'hi' }] }, { 'x-cpr-conversation-id': 'a-1' });
    const types: string[] = [];
    const parser = createParser({ onEvent: (e) => types.push(e.event ?? '') });
    parser.feed(await res.text());
    expect(types[0]).toBe('message_start');
    expect(types.at(-1)).toBe('message_stop');
    const [row] = h.rows().filter((r) => r.conversation_id === 'a-1');
    // message_start says output_tokens 1, message_delta says 250: the row has 250, not 251.
    expect(row).toMatchObject({ streamed: 1, input_tokens: 7100, output_tokens: 250, estimated: 0 });
    expect(row!.cost_usd).toBeCloseTo(COST, 12);
  });

  it('passes an Anthropic error through unchanged', async () => {
    h.sim.enqueue({ status: 529 });
    const res = await post({ model: 'claude-sonnet-4-0', max_tokens: 10, messages: [{ role: 'user', content: 'hi' }] });
    expect(res.status).toBe(529);
    const body = (await res.json()) as any;
    expect(body.type).toBe('error');
    const row = h.row(res.headers.get('x-cpr-call-id')!);
    expect(row).toMatchObject({ status: 'error', http_status: 529, error_type: body.error.type, cost_usd: 0 });
  });
});

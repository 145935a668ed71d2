import { describe, expect, it } from 'vitest';
import { eventually } from '../support/proxy-harness.js';
import { useWrapperHarness } from './wrapper-harness.js';

// o3-mini: 1.1 input, 0.55 cached, 4.4 output per million. Usage: 2,000 input (1,536 cached),
// 500 output of which 384 reasoning. 464 x 1.1 + 1536 x 0.55 + 500 x 4.4 = 510.4 + 844.8 + 2200
// = 3,555.2 per million = $0.0035552 (reasoning tokens are inside the 500, billed once).
const USAGE = { input: 2000, cacheRead: 1536, output: 500, reasoning: 384 };
const COST = 0.0035552;

const h = useWrapperHarness();

const rowOf = (conversationId: string) => eventually(() => h.rows().find((r) => r.conversation_id === conversationId));
const as = (id: string) => ({ headers: { 'x-cpr-conversation-id': id } });

describe('responses and embeddings through a wrapped client', () => {
  it('records a Responses API call with cached and reasoning tokens priced once', async () => {
    h.sim.enqueue({ text: 'Reasoned answer.', usage: USAGE });
    const { data, response } = await h.client.responses.create({ model: 'o3-mini', input: 'Why was I charged twice?' }, as('r-1')).withResponse();
    expect(data.output_text).toBe('Reasoned answer.');
    expect(response.ok).toBe(true);
    const row = await rowOf('r-1');
    expect(row).toMatchObject({ operation: 'responses', input_tokens: 2000, cache_read_tokens: 1536, output_tokens: 500, reasoning_tokens: 384, finish_reasons: '["completed"]', response_id: data.id });
    expect(row.cost_usd).toBeCloseTo(COST, 12);
  });

  it('reads usage from response.completed on a streamed Responses call, events unchanged', async () => {
    h.sim.enqueue({ text: 'Streamed reasoning answer', usage: USAGE });
    const stream = await h.client.responses.create({ model: 'o3-mini', input: 'Stream it', stream: true }, as('r-2'));
    const types: string[] = [];
    for await (const event of stream) types.push(event.type);
    expect(types.at(-1)).toBe('response.completed');
    // Nothing is injected into a Responses request: its stream always carries usage.
    expect(JSON.parse(h.sim.requests[0]!.body).stream_options).toBeUndefined();
    const row = await rowOf('r-2');
    expect(row).toMatchObject({ streamed: 1, input_tokens: 2000, reasoning_tokens: 384, output_tokens: 500, status: 'ok' });
    expect(row.cost_usd).toBeCloseTo(COST, 12);
  });

  it('records the responses .stream() helper too', async () => {
    h.sim.enqueue({ text: 'helper stream', usage: { input: 40, output: 8 } });
    const stream = h.client.responses.stream({ model: 'o3-mini', input: 'helper' }, as('r-3'));
    const final = await stream.finalResponse();
    expect(final.output_text).toBe('helper stream');
    // 40 x 1.1 + 8 x 4.4 = 44 + 35.2 = 79.2 per million.
    const row = await rowOf('r-3');
    expect(row.cost_usd).toBeCloseTo(0.0000792, 12);
  });

  it('records embeddings (input tokens only), the SDK decoding its base64 answer as usual', async () => {
    h.sim.enqueue({ usage: { input: 8, output: 0 } });
    const result = await h.client.embeddings.create({ model: 'text-embedding-3-small', input: 'refund policy' }, as('e-1'));
    expect(result.data[0]!.embedding.length).toBeGreaterThan(0);
    expect(typeof result.data[0]!.embedding[0]).toBe('number');
    // text-embedding-3-small: 0.02 per million; 8 x 0.02 = 0.16 per million.
    const row = await rowOf('e-1');
    expect(row).toMatchObject({ operation: 'embeddings', input_tokens: 8, output_tokens: 0, streamed: 0 });
    expect(row.cost_usd).toBeCloseTo(0.00000016, 14);
  });

  it('leaves a model with no known price unpriced: cost NULL', async () => {
    h.sim.enqueue({ usage: { input: 100, output: 50 } });
    await h.client.chat.completions.create({ model: 'acme-support-llm-7b', messages: [{ role: 'user', content: 'hi' }] }, as('u-1'));
    expect(await rowOf('u-1')).toMatchObject({ cost_usd: null, price_source: null, input_tokens: 100, output_tokens: 50, status: 'ok' });
  });

  it('passes other paths through unrecorded, x-cpr-* headers still removed', async () => {
    const before = h.rows().length;
    const models = await h.client.models.list(as('m-1'));
    expect(models.data.length).toBeGreaterThan(0);
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(h.rows().length).toBe(before);
    expect(h.sim.requests.at(-1)).toMatchObject({ method: 'GET', path: '/v1/models' });
    expect(Object.keys(h.sim.requests.at(-1)!.headers).filter((name) => name.startsWith('x-cpr-'))).toEqual([]);
  });
});

import type OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runWithConversation } from '../../src/express/index.js';
import type { SimScript, SimulatedUpstream } from '../../src/simulator/index.js';
import { eventually, startProxyHarness, type CallRow, type ProxyHarness } from '../support/proxy-harness.js';
import { startWrapperHarness, type WrapperHarness } from './wrapper-harness.js';

// The same support conversation, with the same scripted upstream answers, once through the proxy
// and once through the wrapped client, must leave the same ledger rows. Only what identifies one
// run (ids, clock, latencies, the upstream's request and response ids) and `source` may differ.
// `upstream` names the proxy's upstream, which a call made in process does not go through: it is
// checked on its own below.
const VARYING = ['id', 'started_at', 'latency_ms', 'ttfc_ms', 'upstream_request_id', 'response_id', 'source', 'upstream'];

const ask = (content: string) => ({ model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content }] });
const CACHED = { input: 1200, cacheRead: 1024, output: 300 };

/** One step of the conversation: its scripted upstream answer, and what the chatbot does. */
interface Step {
  script: SimScript;
  run(client: OpenAI): Promise<unknown>;
}

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable);
}

const STEPS: Step[] = [
  { script: { text: 'Your refund was issued today.', usage: CACHED }, run: (c) => c.chat.completions.create(ask('Where is my refund?')) },
  { script: { text: 'It takes three to five days.', usage: CACHED }, run: async (c) => drain(await c.chat.completions.create({ ...ask('How long?'), stream: true })) },
  {
    script: { text: 'Here is the usage too.', usage: { input: 80, output: 7 } },
    run: async (c) => drain(await c.chat.completions.create({ ...ask('And usage?'), stream: true, stream_options: { include_usage: true } })),
  },
  { script: { text: 'Helper stream answer', usage: { input: 50, output: 4 } }, run: (c) => c.chat.completions.stream(ask('helper')).finalChatCompletion() },
  { script: { text: 'Reasoned answer.', usage: { input: 2000, cacheRead: 1536, output: 500, reasoning: 384 } }, run: (c) => c.responses.create({ model: 'o3-mini', input: 'Why twice?' }) },
  { script: { text: 'streamed helper', usage: { input: 40, output: 8 } }, run: (c) => c.responses.stream({ model: 'o3-mini', input: 'helper' }).finalResponse() },
  { script: { usage: { input: 8, output: 0 } }, run: (c) => c.embeddings.create({ model: 'text-embedding-3-small', input: 'refund policy' }) },
  { script: { text: 'legacy streamed', usage: { input: 20, output: 6 } }, run: async (c) => drain(await c.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'Say it', stream: true })) },
  { script: { status: 429 }, run: (c) => c.chat.completions.create(ask('Again?')).catch(() => undefined) },
  { script: { usage: { input: 100, output: 50 } }, run: (c) => c.chat.completions.create({ ...ask('hi'), model: 'acme-support-llm-7b' }) },
  {
    // The customer leaves after the role chunk and three words; the upstream has sent no more.
    script: { text: 'one two three four five six seven eight', chunks: 8, stallAfterChunks: 3 },
    run: async (c) => {
      const controller = new AbortController();
      const stream = await c.chat.completions.create({ ...ask('Count slowly'), stream: true }, { signal: controller.signal });
      let seen = 0;
      await (async () => {
        for await (const _ of stream) if (++seen === 4) controller.abort();
      })().catch(() => undefined);
    },
  },
];

/** Runs the steps one by one, each once its row is in the ledger, and returns the rows without what varies. */
async function converse(sim: SimulatedUpstream, client: OpenAI, rows: () => CallRow[], attributed: <T>(fn: () => Promise<T>) => Promise<T>): Promise<CallRow[]> {
  for (const [i, step] of STEPS.entries()) {
    sim.enqueue(step.script);
    await attributed(() => step.run(client));
    await eventually(() => rows().length === i + 1);
  }
  return rows().map((row) => Object.fromEntries(Object.entries(row).filter(([key]) => !VARYING.includes(key))));
}

let proxy: ProxyHarness;
let wrapper: WrapperHarness;
beforeAll(async () => {
  [proxy, wrapper] = await Promise.all([startProxyHarness(), startWrapperHarness()]);
});
afterAll(async () => {
  await Promise.all([proxy.close(), wrapper.close()]);
});

describe('the wrapper and the proxy', () => {
  it('record the same conversation as the same ledger rows', async () => {
    const attribution = { 'x-cpr-conversation-id': 'conv-same', 'x-cpr-ticket-id': 'T-100' };
    const throughProxy = await converse(proxy.sim, proxy.client.withOptions({ defaultHeaders: attribution }), proxy.rows, (fn) => fn());
    const throughWrapper = await converse(wrapper.sim, wrapper.client, wrapper.rows, (fn) =>
      runWithConversation({ conversationId: 'conv-same', ticketId: 'T-100' }, fn),
    );

    expect(throughWrapper).toEqual(throughProxy);
    // And the rows say something: hand-checked values of a few of them.
    expect(throughWrapper).toHaveLength(STEPS.length);
    expect(throughWrapper.every((row) => row.conversation_id === 'conv-same' && row.ticket_id === 'T-100')).toBe(true);
    expect(throughWrapper.map((row) => [row.operation, row.streamed, row.status])).toEqual([
      ['chat', 0, 'ok'], ['chat', 1, 'ok'], ['chat', 1, 'ok'], ['chat', 1, 'ok'], ['responses', 0, 'ok'], ['responses', 1, 'ok'],
      ['embeddings', 0, 'ok'], ['completions', 1, 'ok'], ['chat', 0, 'error'], ['chat', 0, 'ok'], ['chat', 1, 'aborted'],
    ]);
    // 176 x 0.15 + 1024 x 0.075 + 300 x 0.6 = 283.2 per million (gpt-4o-mini), for the first two.
    expect(throughWrapper[0]!.cost_usd).toBeCloseTo(0.0002832, 12);
    expect(throughWrapper[1]!.cost_usd).toBeCloseTo(0.0002832, 12);
    expect(throughWrapper[8]).toMatchObject({ http_status: 429, error_type: 'rate_limit_exceeded', cost_usd: 0 });
    expect(throughWrapper[9]).toMatchObject({ cost_usd: null });
    expect(throughWrapper[10]).toMatchObject({ error_type: 'client_disconnected', estimated: 1 });
    // The proxy names the upstream that served each call; in process there is none.
    expect(proxy.rows().map((row) => row.upstream)).toEqual(Array(STEPS.length).fill('openai'));
    expect(wrapper.rows().map((row) => row.upstream)).toEqual(Array(STEPS.length).fill(null));
    // Both upstreams were asked the same: include_usage added where the caller had not asked for it.
    expect(wrapper.sim.requests.map((r) => [r.path, r.body])).toEqual(proxy.sim.requests.map((r) => [r.path, r.body]));
  });
});

import Anthropic from '@anthropic-ai/sdk';
import AnthropicV0 from 'anthropic-v0';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ConfigError } from '../../src/errors.js';
import { runWithConversation } from '../../src/express/index.js';
import type { SimScript, SimulatedUpstream } from '../../src/simulator/index.js';
import { wrapAnthropic } from '../../src/wrapper/index.js';
import { eventually, startProxyHarness, type CallRow, type ProxyHarness } from '../support/proxy-harness.js';
import { startWrapperHarness, type WrapperHarness } from './wrapper-harness.js';

// The oldest and newest @anthropic-ai/sdk majors supported: 0.137.0 (installed as `anthropic-v0`)
// and 1.17.0. Each runs the same support conversation through the proxy and through
// wrapAnthropic(), against the same scripted simulator; the rows must be the same but for what
// identifies one run. `upstream` names the proxy's upstream, which a call made in process does not
// go through: it is checked apart.
const VARYING = ['id', 'started_at', 'latency_ms', 'ttfc_ms', 'upstream_request_id', 'response_id', 'source', 'upstream'];

// claude-sonnet-4-20250514 in the bundled price database (USD / 1M): input 3, cache read 0.3,
// cache write (5 minutes) 3.75, output 15. Scripted usage: 1,000 input in all, of which 200 read
// from the cache and 100 written to it, 50 output (on the wire: input_tokens 700,
// cache_read_input_tokens 200, cache_creation_input_tokens 100, output_tokens 50).
// 700 x 3 + 200 x 0.3 + 100 x 3.75 + 50 x 15 = 2100 + 60 + 375 + 750 = 3285 per million.
const CACHED = { input: 1000, cacheRead: 200, cacheWrite: 100, output: 50 };
const CACHED_COST = 0.003285;

type Client = Anthropic;
const SDKS: Array<{ name: string; make: (baseURL: string) => Client }> = [
  { name: '@anthropic-ai/sdk 1.17.0', make: (baseURL) => new Anthropic({ apiKey: 'sk-ant-test', baseURL, maxRetries: 0 }) },
  // One type for both in the steps below; the wrapper takes either as it is (see the types test).
  { name: '@anthropic-ai/sdk 0.137.0', make: (baseURL) => new AnthropicV0({ apiKey: 'sk-ant-test', baseURL, maxRetries: 0 }) as unknown as Client },
];

const ask = (content: string) => ({ model: 'claude-sonnet-4-0', max_tokens: 256, messages: [{ role: 'user' as const, content }] });

async function drain(iterable: AsyncIterable<unknown>): Promise<void> {
  for await (const _ of iterable);
}

interface Step {
  script: SimScript;
  run(client: Client): Promise<unknown>;
}

const STEPS: Step[] = [
  { script: { text: 'Your refund was issued today.', usage: CACHED }, run: (c) => c.messages.create(ask('Where is my refund?')) },
  { script: { text: 'It takes three to five days.', usage: CACHED }, run: async (c) => drain(await c.messages.create({ ...ask('How long?'), stream: true })) },
  { script: { text: 'The helper streams too.', usage: { input: 60, output: 5 } }, run: (c) => c.messages.stream(ask('helper')).finalMessage() },
  { script: { status: 529 }, run: (c) => c.messages.create(ask('Again?')).catch(() => undefined) },
  {
    // The customer leaves after three words; the upstream sends no more.
    script: { text: 'one two three four five six seven eight', chunks: 8, stallAfterChunks: 3 },
    run: async (c) => {
      const controller = new AbortController();
      const stream = await c.messages.create({ ...ask('Count slowly'), stream: true }, { signal: controller.signal });
      let words = 0;
      await (async () => {
        for await (const event of stream) if (event.type === 'content_block_delta' && ++words === 3) controller.abort();
      })().catch(() => undefined);
    },
  },
  {
    // The same through the messages.stream() helper, left with its own abort().
    script: { text: 'nine ten eleven twelve thirteen fourteen', chunks: 6, stallAfterChunks: 2 },
    run: async (c) => {
      const stream = c.messages.stream(ask('Count on'));
      let words = 0;
      await (async () => {
        for await (const event of stream) if (event.type === 'content_block_delta' && ++words === 2) stream.abort();
      })().catch(() => undefined);
    },
  },
];

async function converse(sim: SimulatedUpstream, client: Client, rows: () => CallRow[], attributed: <T>(fn: () => Promise<T>) => Promise<T>): Promise<CallRow[]> {
  const before = rows().length;
  for (const [i, step] of STEPS.entries()) {
    sim.enqueue(step.script);
    await attributed(() => step.run(client));
    await eventually(() => rows().length === before + i + 1);
  }
  return rows().slice(before);
}

const comparable = (row: CallRow) => Object.fromEntries(Object.entries(row).filter(([key]) => !VARYING.includes(key)));

let proxy: ProxyHarness;
let wrapper: WrapperHarness;
beforeAll(async () => {
  [proxy, wrapper] = await Promise.all([startProxyHarness(), startWrapperHarness()]);
});
afterAll(async () => {
  await Promise.all([proxy.close(), wrapper.close()]);
});
beforeEach(() => {
  proxy.sim.reset();
  wrapper.sim.reset();
});

const wrapped = (make: (baseURL: string) => Client, options: { conversationId?: string; ticketId?: string } = {}) =>
  wrapAnthropic(make(wrapper.sim.anthropicBaseUrl), { recorder: wrapper.recorder, prices: wrapper.prices, ...options });

for (const { name, make } of SDKS) {
  describe(`wrapAnthropic() with ${name}`, () => {
    it('records the same conversation as the proxy, row for row', async () => {
      const conversation = `same-${name}`;
      const headers = { 'x-cpr-conversation-id': conversation, 'x-cpr-ticket-id': 'T-200' };
      const throughProxy = await converse(proxy.sim, make(proxy.cpr.url).withOptions({ defaultHeaders: headers }), proxy.rows, (fn) => fn());
      const throughWrapper = await converse(wrapper.sim, wrapped(make), wrapper.rows, (fn) =>
        runWithConversation({ conversationId: conversation, ticketId: 'T-200' }, fn),
      );

      // The proxy names the upstream that served each call; in process there is none.
      expect(throughProxy.map((row) => row.upstream)).toEqual(Array(STEPS.length).fill('anthropic'));
      expect(throughWrapper.map((row) => row.upstream)).toEqual(Array(STEPS.length).fill(null));
      expect(throughWrapper.map(comparable)).toEqual(throughProxy.map(comparable));
      expect(throughWrapper.map((row) => [row.provider, row.operation, row.streamed, row.status, row.conversation_id])).toEqual([
        ['anthropic', 'messages', 0, 'ok', conversation],
        ['anthropic', 'messages', 1, 'ok', conversation],
        ['anthropic', 'messages', 1, 'ok', conversation],
        ['anthropic', 'messages', 0, 'error', conversation],
        ['anthropic', 'messages', 1, 'aborted', conversation],
        ['anthropic', 'messages', 1, 'aborted', conversation],
      ]);
      // Hand-checked: the cached exchange, non-streamed and streamed, at 3285 per million.
      for (const row of throughWrapper.slice(0, 2)) {
        expect(row).toMatchObject({ response_model: 'claude-sonnet-4-20250514', input_tokens: 1000, cache_read_tokens: 200, cache_write_tokens: 100, output_tokens: 50, finish_reasons: '["end_turn"]' });
        expect(row.cost_usd).toBeCloseTo(CACHED_COST, 12);
      }
      // The 529 costs nothing and is named as Anthropic names it.
      expect(throughWrapper[3]).toMatchObject({ http_status: 529, error_type: 'overloaded_error', cost_usd: 0 });
      // Left early: the input as message_start reported it, the output estimated from the words streamed.
      expect(throughWrapper[4]).toMatchObject({ error_type: 'client_disconnected', estimated: 1 });
      expect(Number(throughWrapper[4]!.output_tokens)).toBeGreaterThan(0);
      // 'nine ten' is 2 tokens (o200k_base), estimated and flagged.
      expect(throughWrapper[5]).toMatchObject({ error_type: 'client_disconnected', estimated: 1, output_tokens: 2 });
      // Both upstreams were asked the same thing.
      expect(wrapper.sim.requests.map((r) => [r.path, r.body])).toEqual(proxy.sim.requests.map((r) => [r.path, r.body]));
    });

    it('records the beta messages too (POST /v1/messages?beta=true)', async () => {
      const client = wrapped(make, { conversationId: `beta-${name}` });
      wrapper.sim.enqueue({ text: 'Beta answer.', usage: { input: 40, output: 3 } });
      await client.beta.messages.create(ask('beta?'));
      expect(wrapper.sim.requests[0]!.path.split('?')[0]).toBe('/v1/messages');
      const row = await eventually(() => wrapper.rows().find((r) => r.conversation_id === `beta-${name}`));
      expect(row).toMatchObject({ operation: 'messages', input_tokens: 40, output_tokens: 3, status: 'ok' });
    });

    it('does not record counting tokens or batches, which are not calls', async () => {
      const client = wrapped(make, { conversationId: `count-${name}` });
      const before = wrapper.rows().length;
      await client.messages.countTokens(ask('How many?')).catch(() => undefined);
      await client.messages.batches.list().catch(() => undefined);
      await client.messages.batches.create({ requests: [{ custom_id: 'a', params: ask('batched') }] }).catch(() => undefined);
      wrapper.sim.enqueue({ text: 'Counted.', usage: { input: 10, output: 2 } });
      await client.messages.create(ask('And one call'));
      const rows = await eventually(() => (wrapper.rows().length > before ? wrapper.rows().slice(before) : undefined));
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(wrapper.sim.requests.map((r) => `${r.method} ${r.path.split('?')[0]}`)).toEqual([
        'POST /v1/messages/count_tokens', 'GET /v1/messages/batches', 'POST /v1/messages/batches', 'POST /v1/messages',
      ]);
      expect(wrapper.rows().slice(before)).toHaveLength(1);
      expect(rows[0]).toMatchObject({ input_tokens: 10, output_tokens: 2, conversation_id: `count-${name}` });
    });

    it('a ledger that refuses writes does not fail the call, streamed or not', async () => {
      wrapper.ledger.db.pragma('query_only = ON');
      const failedBefore = wrapper.recorder.stats().failedWrites;
      try {
        const client = wrapped(make, { conversationId: `ro-${name}` });
        wrapper.sim.enqueue({ text: 'Still answered.' }, { text: 'Still streamed.' });
        const answer = await client.messages.create(ask('hi'));
        expect(answer.content[0]).toMatchObject({ type: 'text', text: 'Still answered.' });
        const streamed = await client.messages.stream(ask('hi')).finalText();
        expect(streamed).toBe('Still streamed.');
        await eventually(() => wrapper.recorder.stats().failedWrites >= failedBefore + 2);
      } finally {
        wrapper.ledger.db.pragma('query_only = OFF');
      }
      expect(await wrapper.recorder.flush()).toBe(0);
      expect(wrapper.rows().filter((r) => r.conversation_id === `ro-${name}`)).toHaveLength(2);
    });
  });
}

describe('wrapAnthropic()', () => {
  it('returns the same client, typed as itself, for either major', () => {
    const v1 = new Anthropic({ apiKey: 'sk-ant-test', baseURL: wrapper.sim.anthropicBaseUrl });
    const v0 = new AnthropicV0({ apiKey: 'sk-ant-test', baseURL: wrapper.sim.anthropicBaseUrl });
    const same1: Anthropic = wrapAnthropic(v1, { recorder: wrapper.recorder, prices: wrapper.prices });
    const same0: AnthropicV0 = wrapAnthropic(v0, { recorder: wrapper.recorder, prices: wrapper.prices });
    expect(same1).toBe(v1);
    expect(same0).toBe(v0);
  });

  it('takes the conversation given to it over the middleware context, and a header over both', async () => {
    const client = wrapped(SDKS[0]!.make, { conversationId: 'fixed-a' });
    wrapper.sim.enqueue({}, {});
    await runWithConversation({ conversationId: 'ctx-a', ticketId: 'T-ctx' }, () => client.messages.create(ask('one')));
    await runWithConversation({ conversationId: 'ctx-a' }, () => client.messages.create(ask('two'), { headers: { 'x-cpr-conversation-id': 'hdr-a' } }));
    await eventually(() => wrapper.rows().some((r) => r.conversation_id === 'hdr-a'));
    expect(wrapper.rows().filter((r) => r.conversation_id === 'fixed-a')).toMatchObject([{ ticket_id: null }]);
    expect(wrapper.rows().filter((r) => r.conversation_id === 'ctx-a')).toHaveLength(0);
    expect(wrapper.sim.requests[1]!.headers['x-cpr-conversation-id']).toBeUndefined();
  });

  it('refuses an OpenAI client, naming wrapOpenAI()', () => {
    const openai = new OpenAI({ apiKey: 'sk-test', baseURL: wrapper.sim.openaiBaseUrl });
    const wrapping = () => wrapAnthropic(openai as unknown as Anthropic, { recorder: wrapper.recorder, prices: wrapper.prices });
    expect(wrapping).toThrow(ConfigError);
    expect(wrapping).toThrow('wrapAnthropic() records clients of @anthropic-ai/sdk 0.x (0.137 or later) or 1.x; this is an OpenAI client: wrap it with wrapOpenAI() (meter.wrapOpenAI(client)).');
  });

  it('refuses anything else, saying what it lacks', () => {
    expect(() => wrapAnthropic({ fetch } as unknown as Anthropic, { recorder: wrapper.recorder, prices: wrapper.prices })).toThrow(
      'wrapAnthropic() records clients of @anthropic-ai/sdk 0.x (0.137 or later) or 1.x, made with new Anthropic(); this is not one (it has no messages.create).',
    );
  });
});

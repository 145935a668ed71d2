import { createOpenAI } from 'ai-sdk-openai-v2';
import { embed, embedMany, generateObject, generateText, jsonSchema, streamObject, streamText, wrapLanguageModel } from 'ai-v5';
import { describe, expect, it } from 'vitest';
import { aiSdkEmbeddingMiddleware, aiSdkMiddleware, wrapEmbeddingModel } from '../../src/ai-sdk/index.js';
import { runWithConversation } from '../../src/express/index.js';
import { eventually } from '../support/proxy-harness.js';
import { comparable, converse, differing, useAiSdkHarness, type Step } from './ai-sdk-harness.js';

// AI SDK 5 (ai 5.0.277 with @ai-sdk/openai 2.0.130; specification v2, flat usage, no
// wrapEmbeddingModel of its own), the oldest major supported, the same way as AI SDK 7.

const h = useAiSdkHarness();

interface Models {
  chat(id: string): Parameters<typeof generateText>[0]['model'];
  responses(id: string): Parameters<typeof generateText>[0]['model'];
  embedding(id: string): Parameters<typeof embed>[0]['model'];
}

function throughProxy(headers: Record<string, string>): Models {
  const openai = createOpenAI({ apiKey: 'sk-test', baseURL: `${h.proxy.cpr.url}/v1`, headers });
  return { chat: (id) => openai.chat(id), responses: (id) => openai.responses(id), embedding: (id) => openai.textEmbeddingModel(id) };
}

function throughMiddleware(options: { conversationId?: string } = {}): Models {
  const openai = createOpenAI({ apiKey: 'sk-test', baseURL: h.wrapper.sim.openaiBaseUrl });
  const middleware = aiSdkMiddleware({ recorder: h.wrapper.recorder, prices: h.wrapper.prices, ...options });
  const embeddings = aiSdkEmbeddingMiddleware({ recorder: h.wrapper.recorder, prices: h.wrapper.prices, ...options });
  return {
    chat: (id) => wrapLanguageModel({ model: openai.chat(id), middleware }),
    responses: (id) => wrapLanguageModel({ model: openai.responses(id), middleware }),
    embedding: (id) => wrapEmbeddingModel({ model: openai.textEmbeddingModel(id), middleware: embeddings }),
  };
}

const CACHED = { input: 1000, cacheRead: 200, output: 50 };
const REASONED = { input: 2000, cacheRead: 1536, output: 500, reasoning: 384 };
const answerSchema = jsonSchema<{ answer: string }>({ type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false });

const STEPS: Array<Step<Models>> = [
  { name: 'generateText, chat', script: { text: 'Your refund was issued today.', usage: CACHED }, run: (m) => generateText({ model: m.chat('gpt-4o-mini'), prompt: 'Where is my refund?', maxRetries: 0 }) },
  { name: 'streamText, chat', script: { text: 'It takes three to five days.', usage: CACHED }, run: (m) => streamText({ model: m.chat('gpt-4o-mini'), prompt: 'How long?', maxRetries: 0 }).text },
  { name: 'generateText, responses', script: { text: 'Reasoned answer.', usage: REASONED }, run: (m) => generateText({ model: m.responses('o3-mini'), prompt: 'Why twice?', maxRetries: 0 }) },
  { name: 'streamText, responses', script: { text: 'Reasoned stream.', usage: REASONED }, run: (m) => streamText({ model: m.responses('o3-mini'), prompt: 'Why?', maxRetries: 0 }).text },
  {
    name: 'generateObject',
    script: { text: '{"answer":"Refund issued"}', usage: { input: 120, output: 9 } },
    run: async (m) => expect((await generateObject({ model: m.chat('gpt-4o-mini'), schema: answerSchema, prompt: 'Status?', maxRetries: 0 })).object).toEqual({ answer: 'Refund issued' }),
  },
  {
    name: 'streamObject',
    script: { text: '{"answer":"On its way"}', usage: { input: 110, output: 8 } },
    run: async (m) => {
      const result = streamObject({ model: m.chat('gpt-4o-mini'), schema: answerSchema, prompt: 'Parcel?', maxRetries: 0 });
      for await (const _ of result.partialObjectStream);
      expect(await result.object).toEqual({ answer: 'On its way' });
    },
  },
  { name: 'embed', script: { usage: { input: 8, output: 0 } }, run: (m) => embed({ model: m.embedding('text-embedding-3-small'), value: 'refund policy', maxRetries: 0 }) },
  { name: 'embedMany', script: { usage: { input: 24, output: 0 } }, run: (m) => embedMany({ model: m.embedding('text-embedding-3-small'), values: ['a', 'b', 'c'], maxRetries: 0 }) },
  { name: 'a 429', script: { status: 429 }, run: (m) => generateText({ model: m.chat('gpt-4o-mini'), prompt: 'Again?', maxRetries: 0 }).catch(() => undefined) },
];

describe('the AI SDK 5 middleware', () => {
  it('records the same rows as the proxy for the same exchanges, with the SDK\'s usage, priced', async () => {
    const conversation = 'ai5-same';
    const proxied = await converse({ sim: h.proxy.sim, rows: h.proxy.rows, steps: STEPS, providers: throughProxy({ 'x-cpr-conversation-id': conversation }) });
    const models = throughMiddleware();
    const recorded = await runWithConversation({ conversationId: conversation }, () => converse({ sim: h.wrapper.sim, rows: h.wrapper.rows, steps: STEPS, providers: models }));

    expect(recorded.map((row) => comparable(row, differing(row)))).toEqual(proxied.map((row) => comparable(row, differing(row))));
    expect(h.wrapper.sim.requests.map((r) => [r.path, r.body])).toEqual(h.proxy.sim.requests.map((r) => [r.path, r.body]));

    expect(recorded.map((row) => [row.source, row.upstream_provider, row.operation, row.streamed, row.status])).toEqual([
      ['ai-sdk', 'openai', 'chat', 0, 'ok'], ['ai-sdk', 'openai', 'chat', 1, 'ok'], ['ai-sdk', 'openai', 'responses', 0, 'ok'], ['ai-sdk', 'openai', 'responses', 1, 'ok'],
      ['ai-sdk', 'openai', 'chat', 0, 'ok'], ['ai-sdk', 'openai', 'chat', 1, 'ok'], ['ai-sdk', 'openai', 'embeddings', 0, 'ok'], ['ai-sdk', 'openai', 'embeddings', 0, 'ok'],
      ['ai-sdk', 'openai', 'chat', 0, 'error'],
    ]);
    // gpt-4o-mini: 800 x 0.15 + 200 x 0.075 + 50 x 0.6 = 165 per million (AI SDK 5's flat usage: inputTokens 1000, cachedInputTokens 200).
    expect(recorded[0]).toMatchObject({ input_tokens: 1000, cache_read_tokens: 200, output_tokens: 50 });
    expect(recorded[0]!.cost_usd).toBeCloseTo(0.000165, 12);
    // o3-mini: 464 x 1.1 + 1536 x 0.55 + 500 x 4.4 = 3555.2 per million (reasoningTokens 384, part of outputTokens 500).
    expect(recorded[3]).toMatchObject({ input_tokens: 2000, cache_read_tokens: 1536, output_tokens: 500, reasoning_tokens: 384 });
    expect(recorded[3]!.cost_usd).toBeCloseTo(0.0035552, 12);
    // text-embedding-3-small, 24 tokens at 0.02 per million.
    expect(recorded[7]!.cost_usd).toBeCloseTo(0.00000048, 14);
    expect(recorded[8]).toMatchObject({ http_status: 429, error_type: 'rate_limit_exceeded', cost_usd: 0 });
  });

  it('records a stream the caller abandons, by abort: aborted, its usage estimated', async () => {
    const models = throughMiddleware({ conversationId: 'ai5-abort' });
    h.wrapper.sim.enqueue({ text: 'one two three four five six seven eight', chunks: 8, stallAfterChunks: 3 });
    const controller = new AbortController();
    const result = streamText({ model: models.chat('gpt-4o-mini'), prompt: 'Count slowly', abortSignal: controller.signal, maxRetries: 0 });
    let seen = '';
    await (async () => {
      for await (const delta of result.textStream) {
        seen += delta;
        if (seen.split(' ').length === 3) controller.abort();
      }
    })().catch(() => undefined);
    const row = await eventually(() => h.wrapper.rows().find((r) => r.conversation_id === 'ai5-abort'));
    // 'one two three' = 3 tokens; 'Count slowly' = 2 + 3 + 3 of framing = 8.
    expect(row).toMatchObject({ status: 'aborted', error_type: 'client_disconnected', estimated: 1, input_tokens: 8, output_tokens: 3 });
  });

  it('a ledger that refuses writes does not fail the calls', async () => {
    const models = throughMiddleware({ conversationId: 'ai5-ro' });
    const failedBefore = h.wrapper.recorder.stats().failedWrites;
    h.wrapper.ledger.db.pragma('query_only = ON');
    try {
      h.wrapper.sim.enqueue({ text: 'Still answered.' }, { text: 'Still streamed.' });
      expect((await generateText({ model: models.chat('gpt-4o-mini'), prompt: 'hi', maxRetries: 0 })).text).toBe('Still answered.');
      expect(await streamText({ model: models.chat('gpt-4o-mini'), prompt: 'hi', maxRetries: 0 }).text).toBe('Still streamed.');
      await eventually(() => h.wrapper.recorder.stats().failedWrites >= failedBefore + 2);
    } finally {
      h.wrapper.ledger.db.pragma('query_only = OFF');
    }
    expect(await h.wrapper.recorder.flush()).toBe(0);
    expect(h.wrapper.rows().filter((r) => r.conversation_id === 'ai5-ro')).toHaveLength(2);
  });
});

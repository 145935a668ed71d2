import { createAnthropic } from '@ai-sdk/anthropic';
import { createGoogle } from '@ai-sdk/google';
import { createOpenAI } from '@ai-sdk/openai';
import { embed, embedMany, generateObject, generateText, jsonSchema, streamObject, streamText, wrapEmbeddingModel, wrapLanguageModel } from 'ai';
import { describe, expect, it } from 'vitest';
import { aiSdkEmbeddingMiddleware, aiSdkMiddleware } from '../../src/ai-sdk/index.js';
import { PriceBook, type PriceQuery, type PriceSheet } from '../../src/pricing/price-book.js';
import { runWithConversation } from '../../src/express/index.js';
import { eventually } from '../support/proxy-harness.js';
import { comparable, converse, differing, useAiSdkHarness, type Step } from './ai-sdk-harness.js';

// AI SDK 7 (ai 7.0.185, @ai-sdk/openai 4, @ai-sdk/anthropic 4; specification v4) with the real
// providers pointed at the simulated upstream. The same conversation through the proxy (the
// providers' base URL set to it) and through the middleware must give the same rows, but for
// what identifies a run and what the SDK does not pass on (see ai-sdk-harness.ts).

const h = useAiSdkHarness();

/** The models of one run: wrapped (middleware) or plain (through the proxy). */
interface Models {
  chat(id: string): Parameters<typeof generateText>[0]['model'];
  responses(id: string): Parameters<typeof generateText>[0]['model'];
  claude(id: string): Parameters<typeof generateText>[0]['model'];
  gemini(id: string): Parameters<typeof generateText>[0]['model'];
  embedding(id: string): Parameters<typeof embed>[0]['model'];
  geminiEmbedding(id: string): Parameters<typeof embed>[0]['model'];
}

function plainModels(baseURL: string, headers: Record<string, string> = {}) {
  const openai = createOpenAI({ apiKey: 'sk-test', baseURL: `${baseURL}/v1`, headers });
  const anthropic = createAnthropic({ apiKey: 'sk-ant-test', baseURL: `${baseURL}/v1`, headers });
  // @ai-sdk/google posts to {baseURL}/models/{model}:generateContent, its default base URL ending in /v1beta.
  const google = createGoogle({ apiKey: 'gemini-test', baseURL: `${baseURL}/v1beta`, headers });
  return { openai, anthropic, google };
}

function throughProxy(headers: Record<string, string>): Models {
  const { openai, anthropic, google } = plainModels(h.proxy.cpr.url, headers);
  return {
    chat: (id) => openai.chat(id), responses: (id) => openai.responses(id), claude: (id) => anthropic(id), gemini: (id) => google(id),
    embedding: (id) => openai.embedding(id), geminiEmbedding: (id) => google.embedding(id),
  };
}

function throughMiddleware(options: { conversationId?: string } = {}): Models {
  const { openai, anthropic, google } = plainModels(new URL(h.wrapper.sim.openaiBaseUrl).origin);
  const middleware = aiSdkMiddleware({ recorder: h.wrapper.recorder, prices: h.wrapper.prices, ...options });
  const embeddings = aiSdkEmbeddingMiddleware({ recorder: h.wrapper.recorder, prices: h.wrapper.prices, ...options });
  return {
    chat: (id) => wrapLanguageModel({ model: openai.chat(id), middleware }),
    responses: (id) => wrapLanguageModel({ model: openai.responses(id), middleware }),
    claude: (id) => wrapLanguageModel({ model: anthropic(id), middleware }),
    gemini: (id) => wrapLanguageModel({ model: google(id), middleware }),
    embedding: (id) => wrapEmbeddingModel({ model: openai.embedding(id), middleware: embeddings }),
    geminiEmbedding: (id) => wrapEmbeddingModel({ model: google.embedding(id), middleware: embeddings }),
  };
}

const CACHED_OPENAI = { input: 1000, cacheRead: 200, output: 50 };
const CACHED_CLAUDE = { input: 1000, cacheRead: 200, cacheWrite: 100, output: 50 };
const REASONED = { input: 2000, cacheRead: 1536, output: 500, reasoning: 384 };
// Gemini's usageMetadata: promptTokenCount 1000 (cachedContentTokenCount 200), candidatesTokenCount 20, thoughtsTokenCount 30.
const THOUGHTFUL = { input: 1000, cacheRead: 200, output: 50, reasoning: 30 };
const answerSchema = jsonSchema<{ answer: string }>({ type: 'object', properties: { answer: { type: 'string' } }, required: ['answer'], additionalProperties: false });

const STEPS: Array<Step<Models>> = [
  { name: 'generateText, OpenAI chat', script: { text: 'Your refund was issued today.', usage: CACHED_OPENAI }, run: (m) => generateText({ model: m.chat('gpt-4o-mini'), prompt: 'Where is my refund?', maxRetries: 0 }) },
  { name: 'streamText, OpenAI chat', script: { text: 'It takes three to five days.', usage: CACHED_OPENAI }, run: (m) => streamText({ model: m.chat('gpt-4o-mini'), prompt: 'How long?', maxRetries: 0 }).text },
  { name: 'generateText, OpenAI responses', script: { text: 'Reasoned answer.', usage: REASONED }, run: (m) => generateText({ model: m.responses('o3-mini'), prompt: 'Why twice?', maxRetries: 0 }) },
  { name: 'streamText, OpenAI responses', script: { text: 'Reasoned stream.', usage: REASONED }, run: (m) => streamText({ model: m.responses('o3-mini'), prompt: 'Why?', maxRetries: 0 }).text },
  { name: 'generateText, Anthropic', script: { text: 'Cached answer.', usage: CACHED_CLAUDE }, run: (m) => generateText({ model: m.claude('claude-sonnet-4-0'), prompt: 'Policy?', maxRetries: 0 }) },
  { name: 'streamText, Anthropic', script: { text: 'Cached stream.', usage: CACHED_CLAUDE }, run: (m) => streamText({ model: m.claude('claude-sonnet-4-0'), prompt: 'Policy?', maxRetries: 0 }).text },
  {
    name: 'generateObject, OpenAI chat',
    script: { text: '{"answer":"Refund issued"}', usage: { input: 120, output: 9 } },
    run: async (m) => expect((await generateObject({ model: m.chat('gpt-4o-mini'), schema: answerSchema, prompt: 'Status?', maxRetries: 0 })).object).toEqual({ answer: 'Refund issued' }),
  },
  {
    name: 'streamObject, OpenAI chat',
    script: { text: '{"answer":"On its way"}', usage: { input: 110, output: 8 } },
    run: async (m) => {
      const result = streamObject({ model: m.chat('gpt-4o-mini'), schema: answerSchema, prompt: 'Parcel?', maxRetries: 0 });
      for await (const _ of result.partialObjectStream);
      expect(await result.object).toEqual({ answer: 'On its way' });
    },
  },
  { name: 'generateText, Google', script: { text: 'Your parcel ships today.', usage: THOUGHTFUL }, run: (m) => generateText({ model: m.gemini('gemini-2.5-flash'), prompt: 'Where is my parcel?', maxRetries: 0 }) },
  { name: 'streamText, Google', script: { text: 'It ships today.', usage: THOUGHTFUL }, run: (m) => streamText({ model: m.gemini('gemini-2.5-flash'), prompt: 'When?', maxRetries: 0 }).text },
  // Gemini's embedContent reports no usage: both estimate it, flagged.
  { name: 'embed, Google', script: {}, run: (m) => embed({ model: m.geminiEmbedding('gemini-embedding-001'), value: 'refund policy', maxRetries: 0 }) },
  { name: 'embed', script: { usage: { input: 8, output: 0 } }, run: (m) => embed({ model: m.embedding('text-embedding-3-small'), value: 'refund policy', maxRetries: 0 }) },
  { name: 'embedMany', script: { usage: { input: 24, output: 0 } }, run: (m) => embedMany({ model: m.embedding('text-embedding-3-small'), values: ['a', 'b', 'c'], maxRetries: 0 }) },
  { name: 'a 429', script: { status: 429 }, run: (m) => generateText({ model: m.chat('gpt-4o-mini'), prompt: 'Again?', maxRetries: 0 }).catch(() => undefined) },
];

describe('the AI SDK 7 middleware', () => {
  it('records the same rows as the proxy for the same exchanges, with the SDK\'s usage, priced', async () => {
    const conversation = 'ai7-same';
    const proxied = await converse({ sim: h.proxy.sim, rows: h.proxy.rows, steps: STEPS, providers: throughProxy({ 'x-cpr-conversation-id': conversation, 'x-cpr-ticket-id': 'T-7' }) });
    const models = throughMiddleware();
    const recorded = await runWithConversation({ conversationId: conversation, ticketId: 'T-7' }, () =>
      converse({ sim: h.wrapper.sim, rows: h.wrapper.rows, steps: STEPS, providers: models }),
    );

    expect(recorded.map((row) => comparable(row, differing(row)))).toEqual(proxied.map((row) => comparable(row, differing(row))));
    // The upstreams were asked the same.
    expect(h.wrapper.sim.requests.map((r) => [r.path, r.body])).toEqual(h.proxy.sim.requests.map((r) => [r.path, r.body]));

    expect(recorded.map((row) => [row.source, row.upstream_provider, row.provider, row.operation, row.streamed, row.status, row.conversation_id, row.ticket_id])).toEqual([
      ['ai-sdk', 'openai', 'openai', 'chat', 0, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'openai', 'openai', 'chat', 1, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'openai', 'openai', 'responses', 0, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'openai', 'openai', 'responses', 1, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'anthropic', 'anthropic', 'messages', 0, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'anthropic', 'anthropic', 'messages', 1, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'openai', 'openai', 'chat', 0, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'openai', 'openai', 'chat', 1, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'google', 'gemini', 'generate_content', 0, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'google', 'gemini', 'generate_content', 1, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'google', 'gemini', 'embeddings', 0, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'openai', 'openai', 'embeddings', 0, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'openai', 'openai', 'embeddings', 0, 'ok', conversation, 'T-7'],
      ['ai-sdk', 'openai', 'openai', 'chat', 0, 'error', conversation, 'T-7'],
    ]);
    // gpt-4o-mini (USD / 1M: input 0.15, cached 0.075, output 0.6), 1,000 input of which 200 cached, 50 output:
    // 800 x 0.15 + 200 x 0.075 + 50 x 0.6 = 120 + 15 + 30 = 165 per million.
    for (const row of recorded.slice(0, 2)) {
      expect(row).toMatchObject({ input_tokens: 1000, cache_read_tokens: 200, output_tokens: 50, reasoning_tokens: 0, estimated: 0 });
      expect(row.cost_usd).toBeCloseTo(0.000165, 12);
    }
    // o3-mini (input 1.1, cached 0.55, output 4.4; reasoning billed as output), 2,000 input of
    // which 1,536 cached, 500 output of which 384 reasoning:
    // 464 x 1.1 + 1536 x 0.55 + 500 x 4.4 = 510.4 + 844.8 + 2200 = 3555.2 per million.
    for (const row of recorded.slice(2, 4)) {
      expect(row).toMatchObject({ input_tokens: 2000, cache_read_tokens: 1536, output_tokens: 500, reasoning_tokens: 384 });
      expect(row.cost_usd).toBeCloseTo(0.0035552, 12);
    }
    // claude-sonnet-4-20250514 (input 3, cache read 0.3, cache write 3.75, output 15), 1,000 input
    // of which 200 read and 100 written, 50 output: 700 x 3 + 200 x 0.3 + 100 x 3.75 + 50 x 15 = 3285 per million.
    for (const row of recorded.slice(4, 6)) {
      expect(row).toMatchObject({ response_model: 'claude-sonnet-4-20250514', input_tokens: 1000, cache_read_tokens: 200, cache_write_tokens: 100, output_tokens: 50, finish_reasons: '["end_turn"]', service_tier: 'standard' });
      expect(row.cost_usd).toBeCloseTo(0.003285, 12);
    }
    // gemini-2.5-flash at Google (input 0.3, cached 0.03, output 2.5, thinking billed as output),
    // 1,000 input of which 200 cached, 20 answer + 30 thinking tokens:
    // 800 x 0.3 + 200 x 0.03 + 50 x 2.5 = 240 + 6 + 125 = 371 per million.
    for (const row of recorded.slice(8, 10)) {
      expect(row).toMatchObject({ request_model: 'gemini-2.5-flash', input_tokens: 1000, cache_read_tokens: 200, output_tokens: 50, reasoning_tokens: 30, finish_reasons: '["STOP"]', estimated: 0 });
      expect(row.cost_usd).toBeCloseTo(0.000371, 12);
    }
    // 'refund policy' is 2 tokens (o200k_base), estimated as the proxy estimates it, at gemini-embedding-001's 0.15 per million.
    expect(recorded[10]).toMatchObject({ request_model: 'gemini-embedding-001', input_tokens: 2, estimated: 1, price_source: 'genai-prices:google/gemini-embedding-001' });
    expect(recorded[10]!.cost_usd).toBeCloseTo(0.0000003, 14);
    // The proxy reads the same model from the body's `models/gemini-embedding-001`, and prices it alike.
    expect(proxied[10]).toMatchObject({ request_model: 'gemini-embedding-001', input_tokens: 2, estimated: 1, price_source: 'genai-prices:google/gemini-embedding-001' });
    expect(proxied[10]!.cost_usd).toBeCloseTo(0.0000003, 14);
    // text-embedding-3-small at 0.02 per million: 8 tokens = 0.00000016; 24 tokens = 0.00000048.
    expect(recorded[11]).toMatchObject({ input_tokens: 8, output_tokens: 0, response_model: null, request_model: 'text-embedding-3-small' });
    expect(recorded[11]!.cost_usd).toBeCloseTo(0.00000016, 14);
    expect(recorded[12]!.cost_usd).toBeCloseTo(0.00000048, 14);
    // The 429 costs nothing and is named as OpenAI names it.
    expect(recorded[13]).toMatchObject({ http_status: 429, error_type: 'rate_limit_exceeded', cost_usd: 0 });
  });

  it('records a stream the caller abandons, by abort, as the proxy does: aborted, its usage estimated from what was streamed', async () => {
    const abandon = async (models: Models) => {
      const controller = new AbortController();
      const result = streamText({ model: models.chat('gpt-4o-mini'), prompt: 'Count slowly', abortSignal: controller.signal, maxRetries: 0 });
      let seen = '';
      await (async () => {
        for await (const delta of result.textStream) {
          seen += delta;
          if (seen.split(' ').length === 3) controller.abort();
        }
      })().catch(() => undefined);
    };
    const script = { text: 'one two three four five six seven eight', chunks: 8, stallAfterChunks: 3 };
    h.proxy.sim.enqueue(script);
    await abandon(throughProxy({ 'x-cpr-conversation-id': 'ai7-abort' }));
    h.wrapper.sim.enqueue(script);
    await abandon(throughMiddleware({ conversationId: 'ai7-abort' }));
    const proxied = await eventually(() => h.proxy.rows().find((r) => r.conversation_id === 'ai7-abort'));
    const row = await eventually(() => h.wrapper.rows().find((r) => r.conversation_id === 'ai7-abort'));
    expect(comparable(row, differing(row))).toEqual(comparable(proxied, differing(proxied)));
    // Output 'one two three' is 3 tokens (o200k_base); input 'Count slowly' is 2 tokens + 3 for
    // the one message + 3 for the reply's framing = 8, as the proxy estimates a chat request.
    expect(row).toMatchObject({ status: 'aborted', http_status: 200, error_type: 'client_disconnected', estimated: 1, streamed: 1, input_tokens: 8, output_tokens: 3, response_model: 'gpt-4o-mini-2024-07-18' });
    // gpt-4o-mini: 8 x 0.15 + 3 x 0.6 = 3 per million.
    expect(row.cost_usd).toBeCloseTo(0.000003, 12);
  });

  it('records a stream the caller stops reading without aborting: the SDK reads it to its end, and it is billed whole', async () => {
    const models = throughMiddleware({ conversationId: 'ai7-left' });
    h.wrapper.sim.enqueue({ text: 'one two three four five six seven eight', chunks: 8, usage: { input: 30, output: 8 } });
    const result = streamText({ model: models.chat('gpt-4o-mini'), prompt: 'Count', maxRetries: 0 });
    for await (const _ of result.textStream) break;
    const row = await eventually(() => h.wrapper.rows().find((r) => r.conversation_id === 'ai7-left'));
    // streamText keeps reading the model's stream for its own promises (text, usage), so the
    // upstream sent, and bills, the whole answer: 30 x 0.15 + 8 x 0.6 = 9.3 per million.
    expect(row).toMatchObject({ status: 'ok', streamed: 1, estimated: 0, input_tokens: 30, output_tokens: 8 });
    expect(row.cost_usd).toBeCloseTo(0.0000093, 12);
  });

  it('a ledger that refuses writes does not fail the calls; the rows are written once it recovers', async () => {
    const models = throughMiddleware({ conversationId: 'ai7-ro' });
    const failedBefore = h.wrapper.recorder.stats().failedWrites;
    h.wrapper.ledger.db.pragma('query_only = ON');
    try {
      h.wrapper.sim.enqueue({ text: 'Still answered.' }, { text: 'Still streamed.' }, { usage: { input: 3, output: 0 } });
      expect((await generateText({ model: models.chat('gpt-4o-mini'), prompt: 'hi', maxRetries: 0 })).text).toBe('Still answered.');
      expect(await streamText({ model: models.claude('claude-sonnet-4-0'), prompt: 'hi', maxRetries: 0 }).text).toBe('Still streamed.');
      expect((await embed({ model: models.embedding('text-embedding-3-small'), value: 'hi', maxRetries: 0 })).embedding.length).toBe(1536);
      await eventually(() => h.wrapper.recorder.stats().failedWrites >= failedBefore + 3);
    } finally {
      h.wrapper.ledger.db.pragma('query_only = OFF');
    }
    expect(await h.wrapper.recorder.flush()).toBe(0);
    expect(h.wrapper.rows().filter((r) => r.conversation_id === 'ai7-ro').map((r) => r.operation)).toEqual(['chat', 'messages', 'embeddings']);
  });

  it('records a call that got no answer as the proxy does: error, upstream_unreachable, no cost, and the caller gets the SDK\'s error', async () => {
    const closed = createOpenAI({ apiKey: 'sk-test', baseURL: 'http://127.0.0.1:1/v1' });
    const model = wrapLanguageModel({ model: closed.chat('gpt-4o-mini'), middleware: aiSdkMiddleware({ recorder: h.wrapper.recorder, prices: h.wrapper.prices, conversationId: 'ai7-down' }) });
    await expect(generateText({ model, prompt: 'hi', maxRetries: 0 })).rejects.toThrow(/Cannot connect to API/);
    const row = await eventually(() => h.wrapper.rows().find((r) => r.conversation_id === 'ai7-down'));
    expect(row).toMatchObject({ status: 'error', http_status: null, error_type: 'upstream_unreachable', cost_usd: 0, input_tokens: null });
  });

  it('records each attempt of a retried call: the 429, then the answer', async () => {
    const models = throughMiddleware({ conversationId: 'ai7-retry' });
    // The simulator's 429 says retry-after: 1; the SDK waits and asks again.
    h.wrapper.sim.enqueue({ status: 429 }, { text: 'Second time lucky.', usage: { input: 20, output: 4 } });
    expect((await generateText({ model: models.chat('gpt-4o-mini'), prompt: 'hi', maxRetries: 1 })).text).toBe('Second time lucky.');
    const rows = await eventually(() => {
      const found = h.wrapper.rows().filter((r) => r.conversation_id === 'ai7-retry');
      return found.length === 2 ? found : undefined;
    });
    expect(rows.map((r) => [r.status, r.http_status, r.input_tokens])).toEqual([['error', 429, null], ['ok', 200, 20]]);
  });

  it('a failure in cpr-meter itself (pricing throws) does not fail the call: a process warning says so', async () => {
    class BrokenPriceBook extends PriceBook {
      override lookup(_query: PriceQuery): PriceSheet | null {
        throw new Error('price database unreadable');
      }
    }
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      const { openai } = plainModels(new URL(h.wrapper.sim.openaiBaseUrl).origin);
      const model = wrapLanguageModel({ model: openai.chat('gpt-4o-mini'), middleware: aiSdkMiddleware({ recorder: h.wrapper.recorder, prices: new BrokenPriceBook() }) });
      h.wrapper.sim.enqueue({ text: 'Still answered.' }, { text: 'Still streamed.' });
      expect((await generateText({ model, prompt: 'hi', maxRetries: 0 })).text).toBe('Still answered.');
      expect(await streamText({ model, prompt: 'hi', maxRetries: 0 }).text).toBe('Still streamed.');
      await eventually(() => warnings.filter((w) => /price database unreadable/.test(w.message)).length === 2);
      expect(warnings[0]!.message).toMatch(/^cpr-meter: an LLM call could not be recorded: price database unreadable/);
    } finally {
      process.off('warning', onWarning);
    }
  });

  it('takes the conversation given to it over the middleware context', async () => {
    const models = throughMiddleware({ conversationId: 'ai7-fixed' });
    h.wrapper.sim.enqueue({});
    await runWithConversation({ conversationId: 'ai7-ctx', ticketId: 'T-ctx' }, () => generateText({ model: models.chat('gpt-4o-mini'), prompt: 'hi', maxRetries: 0 }));
    const row = await eventually(() => h.wrapper.rows().find((r) => r.conversation_id === 'ai7-fixed'));
    expect(row.ticket_id).toBeNull();
    expect(h.wrapper.rows().some((r) => r.conversation_id === 'ai7-ctx')).toBe(false);
  });
});

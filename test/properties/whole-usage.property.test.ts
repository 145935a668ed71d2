import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { PriceBook } from '../../src/pricing/price-book.js';
import { priceCall } from '../../src/pricing/price-call.js';
import { mergeAnthropicUsage, parseUsage } from '../../src/usage/parse-usage.js';
import { readResponse } from '../../src/usage/read-response.js';
import { countLike, expectValidCost, expectValidUsage } from './arbitraries.js';

// Runs per property. fast-check prints the seed and the shrunk counterexample of a failure.
const RUNS = 1000;

/** A cost a provider could report, and every way it can be wrong. */
const costLike = fc.oneof(fc.double({ min: 0, max: 10, noNaN: true }), fc.double(), fc.constantFrom(-0, -1, 1e300, '0.01', null));
const tierLike = fc.oneof(fc.constantFrom('default', 'flex', 'priority', 'batch', 'standard', 'scale'), fc.string({ maxLength: 50 }), fc.anything({ maxDepth: 1 }));

/** OpenAI usage with every detail the API documents (audio, predictions, cache writes), any of it missing or wrong. */
const openAiWholeUsage = fc.record(
  {
    prompt_tokens: countLike,
    completion_tokens: countLike,
    total_tokens: countLike,
    prompt_tokens_details: fc.record({ cached_tokens: countLike, audio_tokens: countLike, cache_write_tokens: countLike }, { requiredKeys: [] }),
    completion_tokens_details: fc.record(
      { reasoning_tokens: countLike, audio_tokens: countLike, accepted_prediction_tokens: countLike, rejected_prediction_tokens: countLike },
      { requiredKeys: [] },
    ),
    cost: costLike,
    cost_in_usd_ticks: fc.oneof(fc.nat(), countLike),
    service_tier: tierLike,
  },
  { requiredKeys: [] },
);

/** Anthropic usage with its nested cache-creation and server-tool objects. */
const anthropicWholeUsage = fc.record(
  {
    input_tokens: countLike,
    cache_read_input_tokens: countLike,
    cache_creation_input_tokens: countLike,
    cache_creation: fc.oneof(fc.record({ ephemeral_5m_input_tokens: countLike, ephemeral_1h_input_tokens: countLike }, { requiredKeys: [] }), fc.anything({ maxDepth: 1 })),
    server_tool_use: fc.oneof(fc.record({ web_search_requests: countLike, web_fetch_requests: countLike }, { requiredKeys: [] }), fc.anything({ maxDepth: 1 })),
    output_tokens: countLike,
    service_tier: tierLike,
    inference_geo: fc.oneof(fc.constantFrom('us', 'global', 'eu'), tierLike),
  },
  { requiredKeys: [] },
);

/** A Responses API body: usage, a service tier and output items of any type. */
const responsesBody = fc.record({
  usage: openAiWholeUsage,
  service_tier: tierLike,
  output: fc.oneof(fc.array(fc.record({ type: fc.constantFrom('message', 'web_search_call', 'file_search_call', 'code_interpreter_call', 'reasoning') })), fc.anything({ maxDepth: 2 })),
});

const book = new PriceBook();
const models = fc.constantFrom('gpt-4o-mini', 'gpt-audio', 'o3', 'gpt-5', 'gpt-4.1', 'claude-sonnet-4-20250514', 'claude-sonnet-4-5', 'gemini-2.5-flash', 'grok-3-mini', 'no-such-model');
const upstreams = fc.constantFrom(null, 'openai', 'anthropic', 'google', 'x-ai', 'openrouter', 'groq');

describe('the whole usage, on arbitrary provider bodies', () => {
  it('every part is a count (never negative, never NaN), no part above its whole, streamed Anthropic merges included', () => {
    fc.assert(
      fc.property(openAiWholeUsage, anthropicWholeUsage, fc.array(anthropicWholeUsage, { maxLength: 4 }), responsesBody, (openAi, anthropic, deltas, body) => {
        expectValidUsage(parseUsage('openai', openAi));
        expectValidUsage(parseUsage('anthropic', anthropic));
        expectValidUsage(parseUsage('anthropic', deltas.reduce<Record<string, unknown>>((merged, next) => mergeAnthropicUsage(merged, next), {})));
        expectValidUsage(readResponse('openai', 'responses', body).usage);
      }),
      { numRuns: RUNS },
    );
  });

  it('a part the provider did not report stays unknown (absent, stored NULL), never 0', () => {
    fc.assert(
      fc.property(fc.nat({ max: 1e6 }), fc.nat({ max: 1e6 }), (input, output) => {
        const openAi = parseUsage('openai', { prompt_tokens: input, completion_tokens: output })!;
        for (const part of ['inputAudioTokens', 'outputAudioTokens', 'acceptedPredictionTokens', 'rejectedPredictionTokens', 'webSearches', 'fileSearches', 'providerCostUsd', 'serviceTier'] as const) {
          expect(openAi[part], part).toBeUndefined();
        }
        const anthropic = parseUsage('anthropic', { input_tokens: input, output_tokens: output })!;
        for (const part of ['cacheWrite1hTokens', 'webSearches', 'webFetches', 'providerCostUsd', 'serviceTier', 'inferenceGeo'] as const) expect(anthropic[part], part).toBeUndefined();
      }),
      { numRuns: RUNS },
    );
  });

  it('prices any of it without throwing: the cost and the computed cost are null or finite and non-negative', () => {
    fc.assert(
      fc.property(fc.oneof(openAiWholeUsage.map((u) => ['openai', u] as const), anthropicWholeUsage.map((u) => ['anthropic', u] as const)), models, upstreams, ([wire, raw], model, upstream) => {
        const usage = parseUsage(wire, raw);
        const priced = priceCall({ provider: wire, upstreamProvider: upstream, model, usage, status: 'ok', at: Date.UTC(2026, 10, 15) }, book);
        expectValidCost(priced.costUsd);
        expectValidCost(priced.computedCostUsd);
        if (usage?.providerCostUsd != null) expect(priced.costUsd).toBe(usage.providerCostUsd);
      }),
      { numRuns: RUNS },
    );
  });
});

import { describe, expect, it } from 'vitest';
import { sdkUsage } from '../../src/ai-sdk/sdk-usage.js';

describe('sdkUsage(): the AI SDK\'s normalised usage as the ledger\'s', () => {
  it('AI SDK 7 (structured), Anthropic: totals include the cache; 1-hour writes and the tier from the raw usage', () => {
    const usage = {
      inputTokens: { total: 1000, noCache: 700, cacheRead: 200, cacheWrite: 100 },
      outputTokens: { total: 50, text: 50, reasoning: undefined },
      raw: { input_tokens: 700, cache_read_input_tokens: 200, cache_creation_input_tokens: 100, cache_creation: { ephemeral_1h_input_tokens: 40 }, output_tokens: 50, service_tier: 'priority' },
    };
    expect(sdkUsage({ usage, provider: 'anthropic' })).toEqual({
      inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 100, outputTokens: 50, reasoningTokens: 0, cacheWrite1hTokens: 40, serviceTier: 'priority',
    });
  });

  it('AI SDK 7 (structured), Google: thoughts are part of the output total', () => {
    // @ai-sdk/google 4: input total = promptTokenCount 900 (cachedContentTokenCount 300 part of it),
    // output total = candidatesTokenCount 40 + thoughtsTokenCount 160 = 200.
    const usage = { inputTokens: { total: 900, noCache: 600, cacheRead: 300, cacheWrite: undefined }, outputTokens: { total: 200, text: 40, reasoning: 160 }, raw: { promptTokenCount: 900 } };
    expect(sdkUsage({ usage, provider: 'openai' })).toEqual({ inputTokens: 900, cacheReadTokens: 300, cacheWriteTokens: 0, outputTokens: 200, reasoningTokens: 160 });
  });

  it('AI SDK 5 (flat), Anthropic: inputTokens exclude the cache reads and the writes of the metadata, which are added', () => {
    // 700 uncached + 200 read + 100 written = 1000 input.
    const usage = { inputTokens: 700, outputTokens: 50, totalTokens: 750, cachedInputTokens: 200 };
    const providerMetadata = { anthropic: { cacheCreationInputTokens: 100 } };
    expect(sdkUsage({ usage, providerMetadata, provider: 'anthropic' })).toEqual({ inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 100, outputTokens: 50, reasoningTokens: 0 });
  });

  it('AI SDK 5 (flat), Google: thoughts counted outside outputTokens are added from the total', () => {
    // promptTokenCount 900, candidatesTokenCount 40, thoughtsTokenCount 160, totalTokenCount 1100:
    // 1100 - 900 - 40 = 160 output the SDK left outside outputTokens: output 200, of which 160 reasoning.
    const usage = { inputTokens: 900, outputTokens: 40, totalTokens: 1100, reasoningTokens: 160, cachedInputTokens: 300 };
    expect(sdkUsage({ usage, provider: 'openai' })).toEqual({ inputTokens: 900, cacheReadTokens: 300, cacheWriteTokens: 0, outputTokens: 200, reasoningTokens: 160 });
  });

  it('AI SDK 5 (flat), OpenAI: reasoning is part of outputTokens; predictions from the metadata', () => {
    const usage = { inputTokens: 2000, outputTokens: 500, totalTokens: 2500, reasoningTokens: 384, cachedInputTokens: 1536 };
    const providerMetadata = { openai: { acceptedPredictionTokens: 12, rejectedPredictionTokens: 3 } };
    expect(sdkUsage({ usage, providerMetadata, provider: 'openai' })).toEqual({
      inputTokens: 2000, cacheReadTokens: 1536, cacheWriteTokens: 0, outputTokens: 500, reasoningTokens: 384, acceptedPredictionTokens: 12, rejectedPredictionTokens: 3,
    });
  });

  it('no token count at all is unknown (null), never zero; malformed counts are ignored, parts never exceed their whole', () => {
    expect(sdkUsage({ usage: { inputTokens: { total: undefined }, outputTokens: { total: undefined } }, provider: 'openai' })).toBeNull();
    expect(sdkUsage({ usage: undefined, provider: 'openai' })).toBeNull();
    expect(sdkUsage({ usage: { inputTokens: 10, outputTokens: -4, cachedInputTokens: 50 }, provider: 'openai' })).toEqual({
      inputTokens: 10, cacheReadTokens: 10, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0,
    });
  });
});

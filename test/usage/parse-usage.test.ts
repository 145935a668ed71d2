import { describe, expect, it } from 'vitest';
import { mergeAnthropicUsage, parseUsage } from '../../src/usage/parse-usage.js';

describe('parseUsage', () => {
  it('reads OpenAI chat usage, whose prompt_tokens already include cached tokens', () => {
    expect(
      parseUsage('openai', {
        prompt_tokens: 1200,
        completion_tokens: 300,
        total_tokens: 1500,
        prompt_tokens_details: { cached_tokens: 1024, audio_tokens: 0 },
        completion_tokens_details: { reasoning_tokens: 128, audio_tokens: 0 },
      }),
    ).toEqual({ inputTokens: 1200, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 128, inputAudioTokens: 0, outputAudioTokens: 0 });
  });

  it('reads OpenAI responses usage (input_tokens / output_tokens shape)', () => {
    expect(
      parseUsage('openai', {
        input_tokens: 50,
        input_tokens_details: { cached_tokens: 0 },
        output_tokens: 700,
        output_tokens_details: { reasoning_tokens: 640 },
        total_tokens: 750,
      }),
    ).toEqual({ inputTokens: 50, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 700, reasoningTokens: 640 });
  });

  it('reads embeddings usage, which has no output', () => {
    expect(parseUsage('openai', { prompt_tokens: 8, total_tokens: 8 })).toEqual({
      inputTokens: 8, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 0, reasoningTokens: 0,
    });
  });

  it('adds Anthropic cache fields to its input_tokens, which exclude them', () => {
    // 100 uncached + 5,000 cache reads + 2,000 cache writes = 7,100 input tokens in all.
    expect(
      parseUsage('anthropic', { input_tokens: 100, cache_read_input_tokens: 5000, cache_creation_input_tokens: 2000, output_tokens: 250 }),
    ).toEqual({ inputTokens: 7100, cacheReadTokens: 5000, cacheWriteTokens: 2000, outputTokens: 250, reasoningTokens: 0 });
  });

  it('gives null when there is no count at all, and never a negative or fractional part', () => {
    expect(parseUsage('openai', null)).toBeNull();
    expect(parseUsage('openai', {})).toBeNull();
    expect(parseUsage('anthropic', { service_tier: 'standard' })).toBeNull();
    expect(parseUsage('openai', { prompt_tokens: -5, completion_tokens: 'x' })).toBeNull();
    // A cached count larger than the whole is clamped to the whole.
    expect(parseUsage('openai', { prompt_tokens: 10.7, prompt_tokens_details: { cached_tokens: 99 }, completion_tokens: 1 })).toEqual({
      inputTokens: 10, cacheReadTokens: 10, cacheWriteTokens: 0, outputTokens: 1, reasoningTokens: 0,
    });
  });

  it('merges Anthropic stream usage by replacing values, never adding them', () => {
    const start = mergeAnthropicUsage({}, { input_tokens: 25, cache_read_input_tokens: 1000, output_tokens: 1 });
    const end = mergeAnthropicUsage(start, { output_tokens: 42 });
    expect(end).toEqual({ input_tokens: 25, cache_read_input_tokens: 1000, output_tokens: 42 });
  });
});

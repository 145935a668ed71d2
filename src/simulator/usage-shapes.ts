import type { FullSimUsage } from './plan.js';

/**
 * Chat completions usage (`CompletionUsage` with both detail objects, as the API sends them).
 * OpenAI reports no cache writes: they are simply part of `prompt_tokens`.
 */
export function chatUsage(u: FullSimUsage): unknown {
  return {
    prompt_tokens: u.input,
    completion_tokens: u.output,
    total_tokens: u.input + u.output,
    prompt_tokens_details: { cached_tokens: u.cacheRead, audio_tokens: 0 },
    completion_tokens_details: { reasoning_tokens: u.reasoning, audio_tokens: 0, accepted_prediction_tokens: 0, rejected_prediction_tokens: 0 },
  };
}

/** Legacy completions usage: the three totals only. */
export function legacyCompletionUsage(u: FullSimUsage): unknown {
  return { prompt_tokens: u.input, completion_tokens: u.output, total_tokens: u.input + u.output };
}

/** Responses API usage (`ResponseUsage`). */
export function responsesUsage(u: FullSimUsage): unknown {
  return {
    input_tokens: u.input,
    input_tokens_details: { cached_tokens: u.cacheRead },
    output_tokens: u.output,
    output_tokens_details: { reasoning_tokens: u.reasoning },
    total_tokens: u.input + u.output,
  };
}

/** Embeddings usage: input only. */
export function embeddingsUsage(u: FullSimUsage): unknown {
  return { prompt_tokens: u.input, total_tokens: u.input };
}

/**
 * Anthropic Messages usage. Anthropic's `input_tokens` EXCLUDES cache reads and writes, so it is
 * `input - cacheRead - cacheWrite`; the writes are reported as 5-minute cache writes.
 * `outputTokens` overrides `output` for `message_start`, which reports 1.
 *
 * @example
 * anthropicUsage({ input: 1000, cacheRead: 200, cacheWrite: 100, output: 50, reasoning: 0 });
 * // { input_tokens: 700, cache_creation_input_tokens: 100, cache_read_input_tokens: 200, ..., output_tokens: 50 }
 */
export function anthropicUsage(u: FullSimUsage, outputTokens: number = u.output): unknown {
  return {
    input_tokens: Math.max(0, u.input - u.cacheRead - u.cacheWrite),
    cache_creation_input_tokens: u.cacheWrite,
    cache_read_input_tokens: u.cacheRead,
    cache_creation: { ephemeral_5m_input_tokens: u.cacheWrite, ephemeral_1h_input_tokens: 0 },
    output_tokens: outputTokens,
    service_tier: 'standard',
  };
}

/**
 * Gemini's `usageMetadata` (generativelanguage v1beta `GenerateContentResponse.UsageMetadata`,
 * https://ai.google.dev/api/generate-content#UsageMetadata). `promptTokenCount` INCLUDES the
 * cached part (`cachedContentTokenCount`); `candidatesTokenCount` EXCLUDES the thinking tokens
 * (`thoughtsTokenCount`); `totalTokenCount` is their sum. Zero counts are left out, as proto3
 * JSON does.
 *
 * @example
 * geminiUsage({ input: 1000, cacheRead: 200, cacheWrite: 0, output: 50, reasoning: 30 });
 * // { promptTokenCount: 1000, candidatesTokenCount: 20, totalTokenCount: 1050, cachedContentTokenCount: 200, ..., thoughtsTokenCount: 30 }
 */
export function geminiUsage(u: FullSimUsage): Record<string, unknown> {
  const candidates = u.output - u.reasoning;
  return {
    promptTokenCount: u.input,
    ...(candidates > 0 ? { candidatesTokenCount: candidates } : {}),
    totalTokenCount: u.input + u.output,
    ...(u.cacheRead > 0 ? { cachedContentTokenCount: u.cacheRead } : {}),
    promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.input }],
    ...(u.cacheRead > 0 ? { cacheTokensDetails: [{ modality: 'TEXT', tokenCount: u.cacheRead }] } : {}),
    ...(u.reasoning > 0 ? { thoughtsTokenCount: u.reasoning } : {}),
  };
}

/**
 * The `usageMetadata` of a Gemini stream chunk before the last: the prompt counts only. The
 * last chunk carries the whole {@link geminiUsage}.
 */
export function geminiPartialUsage(u: FullSimUsage): Record<string, unknown> {
  return { promptTokenCount: u.input, totalTokenCount: u.input, promptTokensDetails: [{ modality: 'TEXT', tokenCount: u.input }] };
}

import { parseGeminiUsage } from './gemini-usage.js';
import type { Provider, Usage } from './types.js';

/**
 * A non-negative integer count, or `undefined` for anything else. Counts above 2^53 are no
 * token count but a malformed body: they are refused, so that sums of parts stay finite and exact.
 */
function count(value: unknown): number | undefined {
  // `+ 0` turns a -0 into 0.
  return typeof value === 'number' && value >= 0 && value <= Number.MAX_SAFE_INTEGER ? Math.trunc(value) + 0 : undefined;
}

function field(object: unknown, key: string): unknown {
  return typeof object === 'object' && object !== null ? (object as Record<string, unknown>)[key] : undefined;
}

/** A part of `whole`: the reported count, never above the whole; `null` when not reported. */
function part(value: unknown, whole: number): number | null {
  const reported = count(value);
  return reported === undefined ? null : Math.min(reported, whole);
}

/** A short word (a tier name), or `null`. */
function word(value: unknown): string | null {
  return typeof value === 'string' && /^[A-Za-z0-9_.-]{1,40}$/.test(value) ? value : null;
}

/** 1 USD = 10^10 ticks (https://docs.x.ai/developers/cost-tracking). */
const TICKS_PER_USD = 1e10;

/** The largest cost a single call is believed to have: above it a reported figure is malformed. */
const MAX_REPORTED_COST_USD = 1e6;

/** The provider's own cost: OpenRouter's `usage.cost` (USD), xAI's `cost_in_usd_ticks`; `null` when none or malformed. */
function reportedCost(usage: object): number | null {
  const ticks = field(usage, 'cost_in_usd_ticks');
  const usd = typeof ticks === 'number' ? ticks / TICKS_PER_USD : field(usage, 'cost');
  return typeof usd === 'number' && Number.isFinite(usd) && usd >= 0 && usd <= MAX_REPORTED_COST_USD ? usd + 0 : null;
}

/** The usage with the optional parts that were reported; those not reported stay absent (unknown). */
function withReported(base: Usage, parts: Partial<Usage>): Usage {
  const usage: Usage = base;
  for (const [key, value] of Object.entries(parts)) if (value !== null && value !== undefined) (usage as unknown as Record<string, unknown>)[key] = value;
  return usage;
}

/**
 * Normalises a provider's `usage` object into a {@link Usage}, or `null` when it holds no
 * token count at all. Pure, total: any input, however malformed, gives a usage with finite,
 * non-negative parts, each no larger than its whole, or `null`; it never throws.
 *
 * - OpenAI chat / completions / embeddings: `prompt_tokens` (cached and audio included),
 *   `prompt_tokens_details.{cached_tokens, cache_write_tokens, audio_tokens}`, `completion_tokens`
 *   (reasoning, audio and predictions included), `completion_tokens_details.{reasoning_tokens,
 *   audio_tokens, accepted_prediction_tokens, rejected_prediction_tokens}`.
 * - OpenAI responses: the same under `input_tokens`, `input_tokens_details`, `output_tokens`,
 *   `output_tokens_details`.
 * - **Output counted outside `completion_tokens`** is billed as output: when `total_tokens`
 *   exceeds input + output, the excess is output the provider left out (Gemini's thinking
 *   tokens, xAI's reasoning tokens) and is added to output and to reasoning; without a total,
 *   reasoning above `completion_tokens` cannot be a part of it and is added likewise.
 * - Anthropic: `input_tokens` excludes `cache_read_input_tokens` and
 *   `cache_creation_input_tokens`, so the three are added up into `inputTokens`;
 *   `cache_creation.ephemeral_1h_input_tokens`, `server_tool_use.{web_search_requests,
 *   web_fetch_requests}`, `service_tier`, `inference_geo`.
 * - Either: a provider-reported cost (`cost`, `cost_in_usd_ticks`).
 * - Gemini's native `usageMetadata`: see {@link parseGeminiUsage}.
 *
 * @example
 * parseUsage('openai', { prompt_tokens: 1200, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens: 80 })
 * // { inputTokens: 1200, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 80, reasoningTokens: 0, ... null }
 */
export function parseUsage(provider: Provider, usage: unknown): Usage | null {
  if (typeof usage !== 'object' || usage === null) return null;
  if (provider === 'gemini') return parseGeminiUsage(usage);
  return provider === 'anthropic' ? parseAnthropic(usage) : parseOpenAi(usage);
}

function parseOpenAi(usage: object): Usage | null {
  const input = count(field(usage, 'prompt_tokens')) ?? count(field(usage, 'input_tokens'));
  const completion = count(field(usage, 'completion_tokens')) ?? count(field(usage, 'output_tokens'));
  if (input === undefined && completion === undefined) return null;
  const inputDetails = field(usage, 'prompt_tokens_details') ?? field(usage, 'input_tokens_details');
  const outputDetails = field(usage, 'completion_tokens_details') ?? field(usage, 'output_tokens_details');
  const inputTokens = input ?? 0;
  const reportedReasoning = count(field(outputDetails, 'reasoning_tokens')) ?? count(field(usage, 'reasoning_tokens')) ?? 0;
  const outputTokens = withOutsideOutput({ input: inputTokens, completion: completion ?? 0, reasoning: reportedReasoning, total: count(field(usage, 'total_tokens')) });
  // A part can never exceed its whole, whatever a malformed body says.
  const cacheReadTokens = Math.min(count(field(inputDetails, 'cached_tokens')) ?? 0, inputTokens);
  const cacheWriteTokens = Math.min(count(field(inputDetails, 'cache_write_tokens')) ?? 0, inputTokens - cacheReadTokens);
  return withReported(
    {
      inputTokens,
      cacheReadTokens,
      cacheWriteTokens,
      outputTokens,
      reasoningTokens: Math.min(Math.max(reportedReasoning, outputTokens - (completion ?? 0)), outputTokens),
    },
    {
      inputAudioTokens: part(field(inputDetails, 'audio_tokens'), inputTokens),
      outputAudioTokens: part(field(outputDetails, 'audio_tokens'), outputTokens),
      acceptedPredictionTokens: part(field(outputDetails, 'accepted_prediction_tokens'), outputTokens),
      rejectedPredictionTokens: part(field(outputDetails, 'rejected_prediction_tokens'), outputTokens),
      serviceTier: word(field(usage, 'service_tier')),
      providerCostUsd: reportedCost(usage),
    },
  );
}

/**
 * All output tokens, those the provider counted outside `completion_tokens` included (the rule
 * is at {@link parseUsage}). Capped so that a sum stays a safe integer.
 */
function withOutsideOutput({ input, completion, reasoning, total }: { input: number; completion: number; reasoning: number; total: number | undefined }): number {
  if (total !== undefined) return Math.min(Math.max(completion, total - input), Number.MAX_SAFE_INTEGER);
  return reasoning > completion ? Math.min(completion + reasoning, Number.MAX_SAFE_INTEGER) : completion;
}

function parseAnthropic(usage: object): Usage | null {
  const uncached = count(field(usage, 'input_tokens'));
  const cacheRead = count(field(usage, 'cache_read_input_tokens'));
  const creation = field(usage, 'cache_creation');
  const fiveMinutes = count(field(creation, 'ephemeral_5m_input_tokens'));
  const oneHour = count(field(creation, 'ephemeral_1h_input_tokens'));
  const nested = fiveMinutes === undefined && oneHour === undefined ? undefined : (fiveMinutes ?? 0) + (oneHour ?? 0);
  const cacheWrite = count(field(usage, 'cache_creation_input_tokens')) ?? nested;
  const output = count(field(usage, 'output_tokens'));
  if ([uncached, cacheRead, cacheWrite, output].every((value) => value === undefined)) return null;
  const tools = field(usage, 'server_tool_use');
  const cacheWriteTokens = cacheWrite ?? 0;
  const outputTokens = output ?? 0;
  return withReported(
    {
      inputTokens: (uncached ?? 0) + (cacheRead ?? 0) + cacheWriteTokens,
      cacheReadTokens: cacheRead ?? 0,
      cacheWriteTokens,
      outputTokens,
      reasoningTokens: 0,
    },
    {
      cacheWrite1hTokens: part(oneHour, cacheWriteTokens),
      webSearches: count(field(tools, 'web_search_requests')) ?? null,
      webFetches: count(field(tools, 'web_fetch_requests')) ?? null,
      serviceTier: word(field(usage, 'service_tier')),
      inferenceGeo: word(field(usage, 'inference_geo')),
      providerCostUsd: reportedCost(usage),
    },
  );
}

/**
 * Merges Anthropic stream usage: `message_delta` carries cumulative counts, so a later value of
 * a field replaces the earlier one (never added), in nested objects (`cache_creation`,
 * `server_tool_use`) too. Fields absent from `next` keep their value; `null`s are ignored.
 */
export function mergeAnthropicUsage(previous: Record<string, unknown>, next: unknown): Record<string, unknown> {
  if (typeof next !== 'object' || next === null) return previous;
  const merged = { ...previous };
  for (const [key, value] of Object.entries(next)) {
    if (count(value) !== undefined || typeof value === 'string') merged[key] = value;
    else if (typeof value === 'object' && value !== null && !Array.isArray(value)) {
      const before = merged[key];
      merged[key] = mergeAnthropicUsage(typeof before === 'object' && before !== null ? (before as Record<string, unknown>) : {}, value);
    }
  }
  return merged;
}

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

/**
 * Normalises a provider's `usage` object into a {@link Usage}, or `null` when it holds no
 * token count at all. Pure, total: any input, however malformed, gives a usage with finite,
 * non-negative parts or `null`; it never throws.
 *
 * - OpenAI chat / completions / embeddings: `prompt_tokens` (cached included),
 *   `prompt_tokens_details.cached_tokens`, `completion_tokens` (reasoning included),
 *   `completion_tokens_details.reasoning_tokens`.
 * - OpenAI responses: `input_tokens`, `input_tokens_details.cached_tokens`, `output_tokens`,
 *   `output_tokens_details.reasoning_tokens`.
 * - Anthropic: `input_tokens` excludes `cache_read_input_tokens` and
 *   `cache_creation_input_tokens`, so the three are added up into `inputTokens`.
 *
 * @example
 * parseUsage('openai', { prompt_tokens: 1200, prompt_tokens_details: { cached_tokens: 1024 }, completion_tokens: 80 })
 * // { inputTokens: 1200, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 80, reasoningTokens: 0 }
 */
export function parseUsage(provider: Provider, usage: unknown): Usage | null {
  if (typeof usage !== 'object' || usage === null) return null;
  return provider === 'anthropic' ? parseAnthropic(usage) : parseOpenAi(usage);
}

function parseOpenAi(usage: object): Usage | null {
  const input = count(field(usage, 'prompt_tokens')) ?? count(field(usage, 'input_tokens'));
  const output = count(field(usage, 'completion_tokens')) ?? count(field(usage, 'output_tokens'));
  if (input === undefined && output === undefined) return null;
  const inputDetails = field(usage, 'prompt_tokens_details') ?? field(usage, 'input_tokens_details');
  const outputDetails = field(usage, 'completion_tokens_details') ?? field(usage, 'output_tokens_details');
  const inputTokens = input ?? 0;
  const outputTokens = output ?? 0;
  return {
    inputTokens,
    // A part can never exceed its whole, whatever a malformed body says.
    cacheReadTokens: Math.min(count(field(inputDetails, 'cached_tokens')) ?? 0, inputTokens),
    cacheWriteTokens: 0,
    outputTokens,
    reasoningTokens: Math.min(count(field(outputDetails, 'reasoning_tokens')) ?? 0, outputTokens),
  };
}

function parseAnthropic(usage: object): Usage | null {
  const uncached = count(field(usage, 'input_tokens'));
  const cacheRead = count(field(usage, 'cache_read_input_tokens'));
  const cacheWrite = count(field(usage, 'cache_creation_input_tokens'));
  const output = count(field(usage, 'output_tokens'));
  if ([uncached, cacheRead, cacheWrite, output].every((part) => part === undefined)) return null;
  return {
    inputTokens: (uncached ?? 0) + (cacheRead ?? 0) + (cacheWrite ?? 0),
    cacheReadTokens: cacheRead ?? 0,
    cacheWriteTokens: cacheWrite ?? 0,
    outputTokens: output ?? 0,
    reasoningTokens: 0,
  };
}

/**
 * Merges Anthropic stream usage: `message_delta` carries cumulative counts, so a later value of
 * a field replaces the earlier one (never added). Fields absent from `next` keep their value.
 */
export function mergeAnthropicUsage(previous: Record<string, unknown>, next: unknown): Record<string, unknown> {
  if (typeof next !== 'object' || next === null) return previous;
  const merged = { ...previous };
  for (const [key, value] of Object.entries(next)) {
    if (count(value) !== undefined) merged[key] = value;
  }
  return merged;
}

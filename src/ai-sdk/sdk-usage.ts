import { parseUsage } from '../usage/parse-usage.js';
import type { Provider, Usage } from '../usage/types.js';

/** A non-negative integer count, or `undefined` for anything else. */
function count(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) && value >= 0 && value <= Number.MAX_SAFE_INTEGER ? Math.trunc(value) + 0 : undefined;
}

function field(object: unknown, key: string): unknown {
  return typeof object === 'object' && object !== null ? (object as Record<string, unknown>)[key] : undefined;
}

/** The first value of `key` in any provider's metadata (`{ anthropic: { cacheCreationInputTokens } }`). */
function fromMetadata(metadata: unknown, key: string): unknown {
  if (typeof metadata !== 'object' || metadata === null) return undefined;
  for (const value of Object.values(metadata)) {
    const found = field(value, key);
    if (found !== undefined && found !== null) return found;
  }
  return undefined;
}

/** A sum of parts, `undefined` when none is known. */
function sum(...parts: Array<number | undefined>): number | undefined {
  return parts.every((part) => part === undefined) ? undefined : parts.reduce<number>((total, part) => total + (part ?? 0), 0);
}

/** The tokens of a usage before its optional parts. */
type Tokens = { input: number | undefined; cacheRead: number | undefined; cacheWrite: number | undefined; output: number | undefined; reasoning: number | undefined };

/**
 * AI SDK 6 and 7 (`LanguageModelV3Usage`, `V4`): `inputTokens.{total, noCache, cacheRead,
 * cacheWrite}` and `outputTokens.{total, text, reasoning}`, totals that include their parts (the
 * providers convert Anthropic's, whose `input_tokens` excludes the cache, and Gemini's, whose
 * candidates exclude thoughts).
 */
function structuredTokens(usage: object, metadata: unknown): Tokens {
  const input = field(usage, 'inputTokens');
  const output = field(usage, 'outputTokens');
  const cacheRead = count(field(input, 'cacheRead'));
  const cacheWrite = count(field(input, 'cacheWrite')) ?? count(fromMetadata(metadata, 'cacheCreationInputTokens'));
  const reasoning = count(field(output, 'reasoning'));
  return {
    input: count(field(input, 'total')) ?? sum(count(field(input, 'noCache')), cacheRead, cacheWrite),
    cacheRead,
    cacheWrite,
    output: count(field(output, 'total')) ?? sum(count(field(output, 'text')), reasoning),
    reasoning,
  };
}

/**
 * AI SDK 5 (`LanguageModelV2Usage`): flat `inputTokens`, `outputTokens`, `totalTokens`,
 * `reasoningTokens`, `cachedInputTokens`, in each provider's own sense. Anthropic's
 * `inputTokens` excludes cache reads (`cachedInputTokens`) and writes (provider metadata
 * `cacheCreationInputTokens`), which are added; output the provider counted outside
 * `outputTokens` (Gemini's thoughts) shows as a total above input + output, and is added, as
 * `parseUsage` does for OpenAI-compatible answers.
 */
function flatTokens(usage: object, metadata: unknown, provider: Provider): Tokens {
  const reported = count(field(usage, 'inputTokens'));
  const cacheRead = count(field(usage, 'cachedInputTokens'));
  const cacheWrite = count(fromMetadata(metadata, 'cacheCreationInputTokens'));
  const input = provider === 'anthropic' ? sum(reported, cacheRead, cacheWrite) : reported;
  const completion = count(field(usage, 'outputTokens'));
  const total = count(field(usage, 'totalTokens'));
  const outside = provider !== 'anthropic' && total !== undefined && total > (reported ?? 0) + (completion ?? 0) ? total - (reported ?? 0) - (completion ?? 0) : 0;
  const output = completion === undefined && outside === 0 ? undefined : (completion ?? 0) + outside;
  const reasoning = count(field(usage, 'reasoningTokens'));
  return { input, cacheRead, cacheWrite, output, reasoning: reasoning === undefined && outside === 0 ? undefined : Math.max(reasoning ?? 0, outside) };
}

/** The optional parts of a usage, from the provider's own usage object where the AI SDK passes it on. */
const OPTIONAL_PARTS = [
  'cacheWrite1hTokens', 'inputAudioTokens', 'outputAudioTokens', 'acceptedPredictionTokens', 'rejectedPredictionTokens',
  'webSearches', 'fileSearches', 'webFetches', 'codeExecutions', 'serviceTier', 'inferenceGeo', 'providerCostUsd',
] as const satisfies ReadonlyArray<keyof Usage>;

/**
 * A call's {@link Usage} from what the AI SDK reports: its normalised `usage` (either shape:
 * AI SDK 5's flat one or 6 and 7's structured one), completed with the provider metadata
 * (Anthropic's cache writes, OpenAI's predictions, a service tier) and, when the SDK passes the provider's own usage
 * object on (`usage.raw`, or `providerMetadata.anthropic.usage`), the parts only it holds:
 * 1-hour cache writes, audio, predictions, server tool calls, a reported cost. `null` when the
 * usage holds no token count at all. Pure, total: never throws.
 *
 * @example
 * sdkUsage({ usage: { inputTokens: { total: 1000, noCache: 700, cacheRead: 200, cacheWrite: 100 },
 *   outputTokens: { total: 50, text: 50, reasoning: undefined } }, provider: 'anthropic' })
 * // { inputTokens: 1000, cacheReadTokens: 200, cacheWriteTokens: 100, outputTokens: 50, reasoningTokens: 0 }
 */
export function sdkUsage(options: { usage: unknown; providerMetadata?: unknown; provider: Provider }): Usage | null {
  const { usage, providerMetadata, provider } = options;
  if (typeof usage !== 'object' || usage === null) return null;
  const structured = typeof field(usage, 'inputTokens') === 'object' || typeof field(usage, 'outputTokens') === 'object';
  const tokens = structured ? structuredTokens(usage, providerMetadata) : flatTokens(usage, providerMetadata, provider);
  if (tokens.input === undefined && tokens.output === undefined) return null;
  const inputTokens = tokens.input ?? 0;
  const outputTokens = tokens.output ?? 0;
  // A part never exceeds its whole, whatever a provider says.
  const cacheReadTokens = Math.min(tokens.cacheRead ?? 0, inputTokens);
  const result: Usage = {
    inputTokens,
    cacheReadTokens,
    cacheWriteTokens: Math.min(tokens.cacheWrite ?? 0, inputTokens - cacheReadTokens),
    outputTokens,
    reasoningTokens: Math.min(tokens.reasoning ?? 0, outputTokens),
  };
  const raw = field(usage, 'raw') ?? fromMetadata(providerMetadata, 'usage');
  const parsed = parseUsage(provider, raw);
  for (const part of OPTIONAL_PARTS) {
    const value = parsed?.[part];
    if (value !== undefined && value !== null) (result as unknown as Record<string, unknown>)[part] = value;
  }
  // AI SDK 5's OpenAI provider passes predictions on as metadata rather than in a raw usage.
  for (const part of ['acceptedPredictionTokens', 'rejectedPredictionTokens'] as const) {
    const reported = count(fromMetadata(providerMetadata, part));
    if (result[part] == null && reported !== undefined) result[part] = Math.min(reported, outputTokens);
  }
  if (result.cacheWrite1hTokens != null) result.cacheWrite1hTokens = Math.min(result.cacheWrite1hTokens, result.cacheWriteTokens);
  const tier = fromMetadata(providerMetadata, 'serviceTier');
  if (result.serviceTier == null && typeof tier === 'string' && /^[A-Za-z0-9_.-]{1,40}$/.test(tier)) result.serviceTier = tier;
  return result;
}

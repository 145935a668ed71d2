import fc from 'fast-check';
import { expect } from 'vitest';
import type { Usage } from '../../src/usage/types.js';

/**
 * Shared generators for the property tests: values a provider could put where a token count
 * belongs (valid counts, and every way a count can be wrong), and usage objects in the shapes
 * of OpenAI chat, OpenAI responses and Anthropic, with those values in every field.
 */

/** Anything a malformed body could hold in a count field. */
export const countLike: fc.Arbitrary<unknown> = fc.oneof(
  { weight: 4, arbitrary: fc.nat() },
  fc.integer({ min: -1_000_000, max: -1 }),
  fc.double(), // NaN, ±Infinity, -0, fractions, huge values
  fc.constantFrom(Number.MAX_VALUE, 1e308, Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER + 2, 2 ** 60, -0, 0.5),
  fc.string({ maxLength: 8 }),
  fc.constantFrom(null, true, false, '12', [], {}),
);

/** A details object (`prompt_tokens_details` and the like), or something that is not one. */
const details = (key: string): fc.Arbitrary<unknown> =>
  fc.oneof(fc.record({ [key]: countLike }, { requiredKeys: [] }), fc.jsonValue({ maxDepth: 2 }));

/** OpenAI chat / completions / embeddings usage, any field missing or wrong. */
export const openAiChatUsage = fc.record(
  {
    prompt_tokens: countLike,
    completion_tokens: countLike,
    total_tokens: countLike,
    prompt_tokens_details: details('cached_tokens'),
    completion_tokens_details: details('reasoning_tokens'),
  },
  { requiredKeys: [] },
);

/** OpenAI responses usage, any field missing or wrong. */
export const openAiResponsesUsage = fc.record(
  {
    input_tokens: countLike,
    output_tokens: countLike,
    input_tokens_details: details('cached_tokens'),
    output_tokens_details: details('reasoning_tokens'),
  },
  { requiredKeys: [] },
);

/** Anthropic usage, any field missing or wrong. */
export const anthropicUsage = fc.record(
  {
    input_tokens: countLike,
    cache_read_input_tokens: countLike,
    cache_creation_input_tokens: countLike,
    output_tokens: countLike,
  },
  { requiredKeys: [] },
);

/** Any usage-like value: the three shapes, a mix of them, or anything at all. */
export const usageLike: fc.Arbitrary<unknown> = fc.oneof(
  openAiChatUsage,
  openAiResponsesUsage,
  anthropicUsage,
  fc.tuple(openAiChatUsage, anthropicUsage).map(([a, b]) => ({ ...a, ...b })),
  fc.anything({ withNullPrototype: true, withBoxedValues: true, withSparseArray: true, maxDepth: 3 }),
);

/** Is `value` a count a ledger can hold: a finite, non-negative integer. */
export function isCount(value: unknown): boolean {
  return typeof value === 'number' && Number.isInteger(value) && value >= 0 && !Object.is(value, -0);
}

/** The parts of a usage that are no count: a tier name and a cost in USD. */
const NOT_COUNTS = new Set(['serviceTier', 'inferenceGeo', 'providerCostUsd']);

/**
 * Asserts the invariants of a normalised usage: counts everywhere (a cost finite and
 * non-negative, a tier a string), parts never above their wholes.
 */
export function expectValidUsage(usage: Usage | null): void {
  if (usage === null) return;
  for (const [part, value] of Object.entries(usage)) {
    if (!NOT_COUNTS.has(part)) expect(isCount(value), `${part} = ${String(value)}`).toBe(true);
  }
  expect(usage.cacheReadTokens + usage.cacheWriteTokens).toBeLessThanOrEqual(usage.inputTokens);
  expect(usage.reasoningTokens).toBeLessThanOrEqual(usage.outputTokens);
  expect(usage.cacheWrite1hTokens ?? 0).toBeLessThanOrEqual(usage.cacheWriteTokens);
  expect(usage.inputAudioTokens ?? 0).toBeLessThanOrEqual(usage.inputTokens);
  for (const part of [usage.outputAudioTokens, usage.acceptedPredictionTokens, usage.rejectedPredictionTokens]) expect(part ?? 0).toBeLessThanOrEqual(usage.outputTokens);
  if (usage.serviceTier !== undefined && usage.serviceTier !== null) expect(typeof usage.serviceTier).toBe('string');
  if (usage.providerCostUsd !== undefined && usage.providerCostUsd !== null) {
    expect(Number.isFinite(usage.providerCostUsd) && usage.providerCostUsd >= 0 && !Object.is(usage.providerCostUsd, -0), `providerCostUsd = ${usage.providerCostUsd}`).toBe(true);
  }
}

/** Asserts a cost is what the ledger may hold: `null` (unknown) or a finite, non-negative number. */
export function expectValidCost(cost: number | null): void {
  if (cost === null) return;
  expect(Number.isFinite(cost), `cost = ${cost}`).toBe(true);
  expect(cost).toBeGreaterThanOrEqual(0);
}

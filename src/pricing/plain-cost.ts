import type { ModelPrice } from '@pydantic/genai-prices';
import type { BillableUsage } from './billable-usage.js';

/** The usage parts the plain formula knows; any other part with a count sends the call to the full calculation. */
const PLAIN_PARTS = new Set(['input_tokens', 'cache_read_tokens', 'cache_write_tokens', 'output_tokens', 'output_reasoning_tokens']);

function rateAt(rate: ModelPrice[string], inputTokens: number): number | undefined {
  if (typeof rate === 'number' || rate === undefined) return rate;
  let chosen = rate.base;
  for (const tier of rate.tiers) if (inputTokens > tier.start) chosen = tier.price;
  return chosen;
}

/**
 * The cost `@pydantic/genai-prices`' calculation gives, computed directly for the most frequent
 * call: one whose usage has no part but input, cache reads and writes and output (and reasoning
 * the model does not price apart), at prices that do not change with the date. For such a usage
 * every other rate of the model applies to 0 tokens and its calculation reduces to uncached
 * input x input + cache reads x cache-read rate + cache writes x cache-write rate + output x
 * output + the per-request fee, each rate at the tier the input reaches, a missing cache rate
 * billing those tokens as input. A property test holds it equal to the full calculation.
 * `undefined` when the call needs the full calculation (about 30 us a call instead of 1).
 */
export function plainCost(rates: ModelPrice, usage: BillableUsage): number | undefined {
  for (const [part, value] of Object.entries(usage)) if (value > 0 && !PLAIN_PARTS.has(part)) return undefined;
  if ((usage.output_reasoning_tokens ?? 0) > 0 && Object.keys(rates).some((key) => key.includes('reasoning'))) return undefined;
  const input = usage.input_tokens ?? 0;
  const inputRate = rateAt(rates.input_mtok, input) ?? 0;
  const readRate = rateAt(rates.cache_read_mtok, input);
  const writeRate = rateAt(rates.cache_write_mtok, input);
  const read = usage.cache_read_tokens ?? 0;
  const write = usage.cache_write_tokens ?? 0;
  const uncached = input - (readRate === undefined ? 0 : read) - (writeRate === undefined ? 0 : write);
  if (uncached < 0) return undefined;
  const perMillion =
    uncached * inputRate + read * (readRate ?? 0) + write * (writeRate ?? 0) + (usage.output_tokens ?? 0) * (rateAt(rates.output_mtok, input) ?? 0);
  return perMillion / 1e6 + (rateAt(rates.requests_kcount, input) ?? 0) / 1000;
}

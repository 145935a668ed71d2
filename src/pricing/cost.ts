import type { Usage } from '../usage/types.js';
import type { UnitPrices } from './types.js';

/**
 * The cost in USD of one call's usage at the given unit prices (USD per million tokens):
 * uncached input x input + cache reads x cached input + cache writes x cache write + output x output.
 * Reasoning tokens are part of output and are not billed a second time; a missing cached or
 * cache-write price falls back to the input price. Rounded to 1e-12 USD. Pure. Recorded calls are
 * priced over their whole usage by `priceCall` (`price-call.ts`); this four-rate formula stays
 * for callers who hold only these four counts.
 *
 * @example
 * // 1,000 input of which 600 cached, 200 output, gpt-4o-mini (0.15 / 0.075 / 0.6):
 * costOf({ inputTokens: 1000, cacheReadTokens: 600, cacheWriteTokens: 0, outputTokens: 200, reasoningTokens: 0 },
 *        { input: 0.15, cachedInput: 0.075, cacheWrite: null, output: 0.6, source: 'x' })
 * // (400 x 0.15 + 600 x 0.075 + 200 x 0.6) / 1e6 = 0.000225
 */
export function costOf(usage: Usage, prices: UnitPrices): number {
  const uncached = Math.max(0, usage.inputTokens - usage.cacheReadTokens - usage.cacheWriteTokens);
  const micro =
    uncached * prices.input +
    usage.cacheReadTokens * (prices.cachedInput ?? prices.input) +
    usage.cacheWriteTokens * (prices.cacheWrite ?? prices.input) +
    usage.outputTokens * prices.output;
  // Rounded to a millionth of a millionth of a dollar: float noise (0.00004319999999999999) never shows.
  return Math.round(micro * 1_000_000) / 1e12;
}

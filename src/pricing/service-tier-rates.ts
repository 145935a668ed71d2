import { calcPrice, type ModelPrice } from '@pydantic/genai-prices';
import type { PriceSheet } from './price-book.js';
import { publishedTier } from './service-tiers.js';

type Rate = ModelPrice[string];

/** The rates of a service tier for a model, and where they come from. */
export interface TierPrice {
  rates: ModelPrice;
  /** `price-file`, `genai-prices` or the published source's URL. */
  origin: string;
}

function scale(rate: Rate, by: number): Rate {
  if (typeof rate === 'number') return rate * by;
  if (rate === undefined) return rate;
  return { base: rate.base * by, tiers: rate.tiers.map((tier) => ({ start: tier.start, price: tier.price * by })) } as unknown as Rate;
}

/** Every token rate times `by`; request and tool-call fees unchanged. */
function scaled(rates: ModelPrice, by: number): ModelPrice {
  const out: ModelPrice = {};
  for (const [key, rate] of Object.entries(rates)) out[key] = key.endsWith('_mtok') ? scale(rate, by) : rate;
  return out;
}

/**
 * The rates of `tier` for a model whose standard rates are `standard`: the price file's multiplier
 * for the model first, then the database's own price for the tier (a `<model>:<tier>` entry of the
 * same provider), then the published table (`service-tiers.ts`); `null` when none knows the tier.
 */
export function serviceTierRates(options: { sheet: PriceSheet; model: string; tier: string; standard: ModelPrice; at: Date }): TierPrice | null {
  const { sheet, model, tier, standard } = options;
  const fileMultiplier = sheet.serviceTiers?.[tier];
  if (fileMultiplier !== undefined) return { rates: scaled(standard, fileMultiplier), origin: 'price-file' };
  if (!sheet.source.startsWith('override:')) {
    let own = null;
    try {
      own = calcPrice({ input_tokens: 0, output_tokens: 0 }, `${model}:${tier}`, { providerId: sheet.providerId, timestamp: options.at });
    } catch {
      own = null;
    }
    // Only an entry for the tier itself: a model that merely matches the name (by a prefix) is not one.
    if (own && own.provider.id === sheet.providerId && own.model.id.endsWith(`:${tier}`)) return { rates: own.model_price, origin: 'genai-prices' };
  }
  const published = publishedTier({ provider: sheet.providerId, model, tier });
  if (published === undefined) return null;
  if (published.rates) {
    const { input, cachedInput, output } = published.rates;
    return { rates: { ...standard, input_mtok: input, cache_read_mtok: cachedInput, output_mtok: output }, origin: published.source };
  }
  return { rates: scaled(standard, published.multiplier ?? 1), origin: published.source };
}

import { calcPrice, type ModelPrice, type PriceCalculation } from '@pydantic/genai-prices';
import type { CallStatus } from '../ledger/types.js';
import type { Provider, Usage } from '../usage/types.js';
import { billableUsage, type BillableUsage } from './billable-usage.js';
import { plainCost } from './plain-cost.js';
import { oneModelProvider, type PriceBook, type PriceSheet } from './price-book.js';
import { PRICES_VERSION } from './prices-version.js';
import { serviceTierRates } from './service-tier-rates.js';
import { STANDARD_TIERS } from './service-tiers.js';
import type { UnitPrices } from './types.js';

/** What pricing a call needs. */
export interface PricingInput {
  /** The wire format. */
  provider: Provider;
  /** The company whose API served the call; `null` when unknown. */
  upstreamProvider?: string | null;
  /** The response's model, else the request's; `null` when neither is known. */
  model: string | null;
  usage: Usage | null;
  status: CallStatus;
  at: number;
}

/** Where a call's cost comes from: computed from its usage and prices, or the provider's own figure. */
export type CostSource = 'computed' | 'provider';

/** A priced call. */
export interface PricedCall {
  /** The call's cost, USD: the provider's figure when it reported one, else the computed one; `null` when unknown. */
  costUsd: number | null;
  /** The cost computed from the usage and the prices, kept beside a provider's figure; `null` when unpriced. */
  computedCostUsd: number | null;
  costSource: CostSource | null;
  /** The rates the computed cost used; `null` when unpriced. */
  prices: UnitPrices | null;
}

/** Above this relative difference, a provider's figure and the computed cost disagree (the price table is stale). */
export const DISAGREEMENT = 0.01;

/** Whether a provider's figure and the computed cost differ by more than {@link DISAGREEMENT} of the larger. */
export function costsDisagree(reported: number, computed: number): boolean {
  return Math.abs(reported - computed) > DISAGREEMENT * Math.max(reported, computed);
}

/**
 * Prices one call. A call with usage costs what `@pydantic/genai-prices`' calculation gives for
 * its whole usage (audio, cache-write durations, tool calls, input-size tiers, prices as of the
 * call's time) at the model's prices, adjusted for the service tier that served it; `null`
 * (unpriced) when the model has no price. When the provider reported its own cost, that is the
 * cost (`costSource: 'provider'`), and the computed one is kept. A failed call without usage
 * cost nothing (the provider bills no tokens for it): 0, not `null`. Any other call without usage
 * is unknown: `null`.
 */
export function priceCall(input: PricingInput, book: PriceBook): PricedCall {
  const { usage, model } = input;
  if (usage === null) {
    const costUsd = input.status === 'error' ? 0 : null;
    return { costUsd, computedCostUsd: costUsd, costSource: costUsd === null ? null : 'computed', prices: null };
  }
  const computed = model === null ? null : computeCost(input, model, usage, book);
  const reported = usage.providerCostUsd ?? null;
  if (reported === null) return { costUsd: computed?.costUsd ?? null, computedCostUsd: computed?.costUsd ?? null, costSource: computed ? 'computed' : null, prices: computed?.prices ?? null };
  if (computed && costsDisagree(reported, computed.costUsd)) {
    book.warnOnce(`disagree\u0000${model}`, 'provider-reported cost differs from the computed cost by more than 1%: the price table may be stale', {
      model,
      upstreamProvider: input.upstreamProvider ?? null,
      reportedUsd: reported,
      computedUsd: computed.costUsd,
    });
  }
  return { costUsd: reported, computedCostUsd: computed?.costUsd ?? null, costSource: 'provider', prices: computed?.prices ?? null };
}

function calculate(billable: BillableUsage, sheet: PriceSheet, at: Date): PriceCalculation | null {
  return calcPrice(billable, sheet.provider.models[0]!.id, { provider: sheet.provider, timestamp: at });
}

function computeCost(input: PricingInput, model: string, usage: Usage, book: PriceBook): { costUsd: number; prices: UnitPrices } | null {
  const sheet = book.lookup({ model, provider: input.provider, upstreamProvider: input.upstreamProvider ?? null });
  if (sheet === null) return null;
  const at = new Date(input.at);
  const billable = billableUsage(usage);
  const modifiers = rateModifiers(usage);
  const model0 = sheet.provider.models[0]!;
  // The frequent call, at prices fixed in time, is computed directly (see `plain-cost.ts`).
  if (modifiers.length === 0 && !Array.isArray(model0.prices)) {
    const rates = model0.prices;
    if (rates.input_mtok === undefined && rates.output_mtok === undefined) return null;
    const plain = plainCost(rates, billable);
    if (plain !== undefined) return { costUsd: Math.round(plain * 1e12) / 1e12, prices: unitPrices(rates, usage.inputTokens, sheet.source) };
  }
  try {
    let result = calculate(billable, sheet, at);
    // A model the database lists without token prices (an image model, say) is not priced by tokens.
    if (!result || (result.model_price.input_mtok === undefined && result.model_price.output_mtok === undefined)) return null;
    let source = sheet.source;
    let rates = result.model_price;
    for (const modifier of modifiers) {
      const modified = serviceTierRates({ sheet, model, tier: modifier, standard: rates, at });
      if (modified === null) {
        book.warnOnce(`tier\u0000${sheet.providerId}\u0000${modifier}`, 'no price known for this service tier: calls are priced at the standard rate', { provider: sheet.providerId, serviceTier: modifier, model });
        continue;
      }
      rates = modified.rates;
      source = `${source}+tier:${modifier}`;
    }
    if (rates !== result.model_price) {
      const info = { ...sheet.provider.models[0]!, prices: rates };
      result = calculate(billable, { ...sheet, provider: oneModelProvider(sheet.provider, info) }, at) ?? result;
    }
    return { costUsd: Math.round(result.total_price * 1e12) / 1e12, prices: unitPrices(result.model_price, usage.inputTokens, source) };
  } catch (cause) {
    book.warnOnce(`calc\u0000${model}`, 'the price calculation refused this usage: the call is unpriced', { model, reason: (cause as Error).message });
    return null;
  }
}

/**
 * What changes the call's rates beyond its model: a service tier other than the standard one,
 * and where inference ran when not anywhere (`inference_geo:us`), in the order they apply.
 */
function rateModifiers(usage: Usage): string[] {
  const modifiers: string[] = [];
  if (usage.serviceTier != null && !STANDARD_TIERS.has(usage.serviceTier)) modifiers.push(usage.serviceTier);
  if (usage.inferenceGeo != null && usage.inferenceGeo !== 'global') modifiers.push(`inference_geo:${usage.inferenceGeo}`);
  return modifiers;
}

/** A rate as it applies to a call of `inputTokens` input (the whole call at the tier it passes). */
function resolve(rate: ModelPrice[string], inputTokens: number): number | null {
  if (typeof rate === 'number') return rate;
  if (rate === undefined || rate === null) return null;
  let chosen = rate.base;
  for (const tier of rate.tiers) if (inputTokens > tier.start) chosen = tier.price;
  return chosen;
}

function unitPrices(rates: ModelPrice, inputTokens: number, source: string): UnitPrices {
  const resolved: Record<string, number> = {};
  for (const [key, rate] of Object.entries(rates)) {
    const value = resolve(rate, inputTokens);
    if (value !== null) resolved[key] = value;
  }
  return {
    input: resolved.input_mtok ?? 0,
    cachedInput: resolved.cache_read_mtok ?? null,
    cacheWrite: resolved.cache_write_mtok ?? null,
    output: resolved.output_mtok ?? 0,
    source,
    rates: resolved,
    pricesVersion: PRICES_VERSION,
  };
}

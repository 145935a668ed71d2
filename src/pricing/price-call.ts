import type { CallStatus } from '../ledger/types.js';
import type { Provider, Usage } from '../usage/types.js';
import { costOf } from './cost.js';
import type { PriceBook } from './price-book.js';
import type { UnitPrices } from './types.js';

/** What pricing a call needs. */
export interface PricingInput {
  provider: Provider;
  /** The response's model, else the request's; `null` when neither is known. */
  model: string | null;
  usage: Usage | null;
  status: CallStatus;
  at: number;
}

/**
 * Prices one call. A call with usage costs its tokens at the model's prices, or `null` (unpriced)
 * when the model has none. A failed call without usage cost nothing (the provider bills no
 * tokens for it): 0, not `null`. Any other call without usage is unknown: `null`.
 */
export function priceCall(input: PricingInput, book: PriceBook): { costUsd: number | null; prices: UnitPrices | null } {
  const { usage, model } = input;
  if (usage === null) return { costUsd: input.status === 'error' ? 0 : null, prices: null };
  const prices = model === null ? null : book.lookup({ model, provider: input.provider, at: input.at, inputTokens: usage.inputTokens });
  if (prices === null) return { costUsd: null, prices: null };
  return { costUsd: costOf(usage, prices), prices };
}

import type { CallLedger, TimeWindow } from '../ledger/ledger.js';
import type { PriceBook } from './price-book.js';
import { priceCall } from './price-call.js';

/** What a reprice run did. */
export interface RepriceResult {
  /** Calls with usage in the window. */
  examined: number;
  /** Calls whose cost or unit prices changed. */
  updated: number;
  /** Calls still without a known price. */
  unpriced: number;
}

/**
 * Recomputes the cost of stored calls in `window` with the current prices, so that calls recorded
 * before their model had a price (or under an old price) are priced now.
 */
export async function repriceCalls(options: { ledger: CallLedger; prices: PriceBook; window: TimeWindow }): Promise<RepriceResult> {
  const candidates = await options.ledger.repriceCandidates(options.window);
  const updates = [];
  let unpriced = 0;
  for (const call of candidates) {
    const priced = priceCall(
      { provider: call.provider, upstreamProvider: call.upstreamProvider, model: call.responseModel ?? call.requestModel, usage: call.usage, status: call.status, at: call.startedAt },
      options.prices,
    );
    if (priced.costUsd === null) unpriced += 1;
    updates.push({ id: call.id, ...priced });
  }
  const updated = await options.ledger.updateCosts(updates);
  return { examined: candidates.length, updated, unpriced };
}

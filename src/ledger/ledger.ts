import type { LlmCall } from './types.js';

/** A half-open time range `[from, to)` in milliseconds since the epoch. */
export interface TimeWindow {
  from: number;
  to: number;
}

/** A call whose cost `reprice` may recompute. */
export interface RepriceCandidate {
  id: string;
  provider: LlmCall['provider'];
  upstreamProvider: string | null;
  responseModel: string | null;
  requestModel: string | null;
  startedAt: number;
  usage: NonNullable<LlmCall['usage']>;
  status: LlmCall['status'];
}

/** A stored call's new price: its cost, the computed cost kept beside a provider's figure, and the rates. */
export type CostUpdate = Pick<LlmCall, 'id' | 'costUsd' | 'prices'> & Pick<LlmCall, 'computedCostUsd' | 'costSource'>;

/**
 * The storage that every way in (proxy, wrapper, event API) writes to and reports read from.
 *
 * Every method may be asynchronous so that a networked store (PostgreSQL, for a fleet of proxies)
 * can satisfy it; the SQLite implementation answers synchronously inside the promise.
 * The parts for tickets and reports live in `ticket-ledger.ts`.
 */
export interface CallLedger {
  /** Stores one call. Rejects when the store cannot take it; callers decide whether to fail open. */
  recordCall(call: LlmCall): Promise<void>;
  /** Calls in `window` with usage, for recomputing their cost. */
  repriceCandidates(window: TimeWindow): Promise<RepriceCandidate[]>;
  /** Writes new costs and unit prices for stored calls, in one transaction. */
  updateCosts(updates: CostUpdate[]): Promise<number>;
  /** Resolves when the store answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

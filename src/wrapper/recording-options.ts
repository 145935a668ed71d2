import type { CallRecorder } from '../ledger/call-recorder.js';
import type { PriceBook } from '../pricing/price-book.js';
import type { Attribution } from '../proxy/attribution.js';

/**
 * What every way of recording in process takes (`wrapOpenAI`, `wrapAnthropic`, the AI SDK
 * middleware); each adds how it finds the provider whose prices apply (`upstreamProvider`).
 */
export interface InProcessRecordingOptions {
  /** Where calls are recorded (the same recorder the proxy uses, failing open). Required. */
  recorder: CallRecorder;
  /** Prices calls with the same book as the proxy. Required. */
  prices: PriceBook;
  /**
   * Attributes every call to one conversation. Default: the current request's (see
   * `costTracking()`); for a wrapped client, a call's own `x-cpr-conversation-id` header wins over both.
   */
  conversationId?: string;
  /** Names a ticket on every call. Default: the current request's; for a wrapped client, a call's `x-cpr-ticket-id` header wins. */
  ticketId?: string;
  /** The clock for `started_at`, ms since the epoch. Default `Date.now`. */
  now?: () => number;
  /** Told of each recorded call's attribution when it names a conversation or ticket (links conversations to tickets). Default: none. */
  onAttribution?: (attribution: Attribution, at: number) => void;
}

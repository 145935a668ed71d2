import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CallRecorder } from '../ledger/call-recorder.js';
import type { LlmCall } from '../ledger/types.js';
import type { PriceBook } from '../pricing/price-book.js';
import { buildCall, type CallOutcome, type CallStart } from '../recording/build-call.js';
import type { Operation } from '../usage/types.js';
import type { Attribution } from './attribution.js';
import type { PreparedRequest } from '../recording/prepare-request.js';
import type { ProxyRoute } from './routes.js';

/** One recorded request in flight through the proxy. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  route: ProxyRoute & { operation: Operation };
  attribution: Attribution;
  prepared: PreparedRequest;
  /** The transport-neutral start of the call. */
  start: CallStart;
  /** Aborts the upstream request; fired when the client goes away. */
  abort: AbortController;
  /** True once the client went away before its response ended. */
  clientGone: boolean;
}

/** What finishing a call needs besides the exchange. */
export interface FinishDeps {
  recorder: CallRecorder;
  prices: PriceBook;
}

/** Builds the ledger row of an exchange, prices it and commits it. Resolves once committed (or buffered). */
export async function finishExchange(exchange: Exchange, outcome: CallOutcome, deps: FinishDeps): Promise<LlmCall> {
  const call = buildCall(exchange.start, outcome, deps.prices);
  await deps.recorder.record(call);
  return call;
}

/** Reads a header of an undici response. */
export function headerOf(headers: Record<string, string | string[] | undefined>) {
  return (name: string): string | null => {
    const value = headers[name];
    return typeof value === 'string' ? value : null;
  };
}

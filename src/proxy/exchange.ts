import { EventEmitter } from 'node:events';
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
  /** Where the request goes: the upstream base URL and the route's subpath. */
  upstreamUrl: string;
  attribution: Attribution;
  prepared: PreparedRequest;
  /** The transport-neutral start of the call. */
  start: CallStart;
  /** Aborts the upstream request; fired when the client goes away. */
  abort: UpstreamAbort;
  /** True once the client went away before its response ended. */
  clientGone: boolean;
}

/**
 * Aborts an upstream request: the `signal` undici takes (it accepts an EventEmitter that emits
 * `abort`) and the `abort()` that fires it, as an `AbortController` has them. An
 * `AbortController` costs several microseconds per request to make and to listen to (its signal
 * is an `EventTarget`); this costs a fraction of one, and every proxied request makes one.
 */
export class UpstreamAbort extends EventEmitter {
  aborted = false;

  /** The signal to hand to undici: this object. */
  get signal(): this {
    return this;
  }

  abort(): void {
    if (this.aborted) return;
    this.aborted = true;
    this.emit('abort');
  }
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

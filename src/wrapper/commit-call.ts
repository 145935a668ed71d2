import { performance } from 'node:perf_hooks';
import type { CallRecorder } from '../ledger/call-recorder.js';
import type { PriceBook } from '../pricing/price-book.js';
import { buildCall, type CallOutcome, type CallStart } from '../recording/build-call.js';
import type { PreparedRequest } from '../recording/prepare-request.js';

/** Where a finished call goes. */
export interface CommitDeps {
  recorder: CallRecorder;
  prices: PriceBook;
}

/** A recorded call of a wrapped client, on its way upstream. */
export interface PendingCall {
  start: CallStart;
  prepared: PreparedRequest<Buffer | string>;
  /** The signal the client aborts the request with (its own, SDK timeouts included). */
  signal: AbortSignal | null | undefined;
  deps: CommitDeps;
}

/** Reports a failure of cpr-meter's own code as a process warning, without throwing into the application. */
export function warnRecordingFailure(what: string, error: unknown): void {
  process.emitWarning(`cpr-meter: ${what}: ${(error as Error | null)?.message ?? String(error)}`, { code: 'CPR_METER_WRAPPER' });
}

/**
 * Prices and records a finished call on a later turn of the event loop, so that the caller
 * already has its response (or its stream's end) before any ledger work starts. The latency is
 * taken now, when the call ended, not when it is written. Never throws; the recorder itself
 * fails open and counts its failures.
 */
export function commitCall(call: PendingCall, outcome: CallOutcome): void {
  const latencyMs = performance.now() - call.start.t0;
  setImmediate(() => {
    try {
      const row = buildCall(call.start, outcome, call.deps.prices);
      row.latencyMs = latencyMs;
      void call.deps.recorder.record(row);
    } catch (error) {
      warnRecordingFailure('an LLM call could not be recorded', error);
    }
  });
}

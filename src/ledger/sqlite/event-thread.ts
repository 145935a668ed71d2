import { LedgerError, PayloadTooLargeError, ValidationError } from '../../errors.js';
import type { Logger } from '../../logging/logger.js';
import type { CprEvent } from '../../tickets/types.js';
import type { RecordEventsResult } from '../ticket-ledger.js';
import type { EventsAnswer } from '../../tickets/events-answer.js';
import { startLedgerWorker, type WorkerErrorData } from './ledger-worker.js';

/** Options of {@link startEventThread}. */
export interface EventThreadOptions {
  /** The ledger file (not `:memory:`, which another connection cannot see). */
  path: string;
  /** How long the thread's connection waits for a lock, ms (it holds no request of the proxy's). */
  busyTimeoutMs: number;
  logger: Logger;
}

/** Event batches parsed, validated and stored on a thread of their own. */
export interface EventThread {
  /**
   * Stores validated events in one transaction (what `SqliteLedger.recordEvents()` does), on the
   * event thread. For anything that posts events on the server: the event API, helpdesk webhooks.
   */
  recordEvents(events: CprEvent[]): Promise<RecordEventsResult>;
  /**
   * Parses, validates and stores a raw `POST /api/events` body (see `parseEventsBody`): rejects
   * with its `ValidationError` or `PayloadTooLargeError`, or a `LedgerError`.
   */
  storeBody(body: Uint8Array, { receivedAt }: { receivedAt: number }): Promise<EventsAnswer>;
  /** Ends the thread (after the batches under way). */
  stop(): Promise<void>;
}

/** The error the worker described, as the class it was. */
function rebuild(error: WorkerErrorData, path: string): Error {
  if (error.name === 'ValidationError') return new ValidationError(error.message, { field: error.field ?? null, index: error.index ?? null });
  if (error.name === 'PayloadTooLargeError') return new PayloadTooLargeError(error.limitBytes ?? 0, error.message);
  return new LedgerError(`The events could not be stored in the ledger: ${error.message}`, { path, code: error.code });
}

/**
 * Stores events on a worker thread with its own connection to the ledger, so that the server's
 * thread, which records every proxied call, never parses a large body, validates its events or
 * runs their transaction. The thread starts with the first batch and starts again after a crash.
 * Batches are stored one after another, in the order they arrive.
 *
 * @example
 * const events = startEventThread({ path: 'cpr-meter.db', busyTimeoutMs: 5000, logger });
 * const { accepted, duplicates } = await events.recordEvents(validated);
 */
export function startEventThread({ path, busyTimeoutMs, logger }: EventThreadOptions): EventThread {
  const thread = startLedgerWorker({ name: 'event', module: 'event-worker', path, busyTimeoutMs, logger, toError: (error) => rebuild(error, path) });
  return {
    recordEvents: (events) => thread.request({ events }),
    // The worker answers the API's whole answer to a raw body (see event-worker.ts).
    storeBody: (body, { receivedAt }) => thread.request({ body, receivedAt }),
    stop: () => thread.stop(),
  };
}

import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LedgerError, PayloadTooLargeError, ValidationError } from '../../errors.js';
import type { Logger } from '../../logging/logger.js';
import type { CprEvent } from '../../tickets/types.js';
import type { RecordEventsResult } from '../ticket-ledger.js';
import type { EventsAnswer } from '../../tickets/events-answer.js';

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

type WorkerError = { name?: string; message: string; code?: string; field?: string | null; index?: number | null; limitBytes?: number };

interface Pending {
  resolve(result: RecordEventsResult | EventsAnswer): void;
  reject(error: Error): void;
}

/** The error the worker described, as the class it was. */
function rebuild(error: WorkerError, path: string): Error {
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
  // From `dist/` the worker is JavaScript; from the sources (tests, tsx) it is TypeScript, run through tsx.
  const source = fileURLToPath(import.meta.url);
  const typescript = extname(source) === '.ts';
  const script = new URL(`./event-worker${typescript ? '.ts' : '.js'}`, import.meta.url);
  const pending = new Map<number, Pending>();
  let nextId = 0;
  let worker: Worker | undefined;
  let stopping: Promise<void> | undefined;

  const failAll = (error: Error): void => {
    for (const { reject } of pending.values()) reject(error);
    pending.clear();
  };
  const start = (): Worker => {
    const workerData = { path, busyTimeoutMs };
    const started = typescript
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`, { eval: true, workerData })
      : new Worker(script, { workerData });
    started.on('message', ({ id, result, error }: { id: number; result?: RecordEventsResult; error?: WorkerError }) => {
      const waiting = pending.get(id);
      if (waiting === undefined) return;
      pending.delete(id);
      if (error) waiting.reject(rebuild(error, path));
      else waiting.resolve(result!);
    });
    started.on('error', (error) => {
      logger.warn('the event thread failed; it starts again with the next batch', { error: error.message });
      failAll(new LedgerError(`The event thread failed: ${error.message}`, { path }));
    });
    started.on('exit', () => {
      if (worker === started) worker = undefined;
      failAll(new LedgerError('The event thread stopped.', { path }));
    });
    started.unref();
    return started;
  };
  // The worker answers `RecordEventsResult` to events and `EventsAnswer` to a body (see event-worker.ts).
  const send = <T extends RecordEventsResult | EventsAnswer>(message: Record<string, unknown>): Promise<T> => {
    if (stopping) return Promise.reject(new LedgerError('The server is stopping.', { path }));
    worker ??= start();
    const id = (nextId += 1);
    const running = worker;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (result: RecordEventsResult | EventsAnswer) => void, reject });
      running.ref();
      running.postMessage({ id, ...message });
    }).finally(() => {
      if (pending.size === 0) running.unref();
    });
  };

  return {
    recordEvents: (events) => send<RecordEventsResult>({ events }),
    storeBody: (body, { receivedAt }) => send<EventsAnswer>({ body, receivedAt }),
    stop() {
      stopping ??= (async () => {
        await Promise.allSettled([...pending.keys()].map((id) => new Promise<void>((done) => {
          const waiting = pending.get(id)!;
          pending.set(id, { resolve: (result) => { waiting.resolve(result); done(); }, reject: (error) => { waiting.reject(error); done(); } });
        })));
        await worker?.terminate();
      })();
      return stopping;
    },
  };
}

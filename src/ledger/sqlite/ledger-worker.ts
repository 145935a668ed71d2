import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LedgerError } from '../../errors.js';
import type { Logger } from '../../logging/logger.js';

/** An error as the worker describes it: plain data (structured clone keeps no class). */
export interface WorkerErrorData {
  name?: string;
  message: string;
  code?: string;
  field?: string | null;
  index?: number | null;
  limitBytes?: number;
}

/** Options of {@link startLedgerWorker}. */
export interface LedgerWorkerOptions {
  /** What the thread is, for log lines and errors: `report`, `event`. */
  name: string;
  /** The worker's module, beside this file, without extension: `report-worker`. */
  module: string;
  /** The ledger file (not `:memory:`, which another connection cannot see). */
  path: string;
  /** How long the thread's connection waits for a lock, ms. */
  busyTimeoutMs: number;
  logger: Logger;
  /** The error a failed request rejects with, from the worker's description of it. */
  toError: (error: WorkerErrorData) => Error;
}

/** A worker thread with its own connection to the ledger, answering requests one by one. */
export interface LedgerWorker {
  /** Posts `{ id, ...message }`; resolves with the worker's `result` or rejects with its error. */
  request<T>(message: Record<string, unknown>): Promise<T>;
  /** Ends the thread, after the requests under way. */
  stop(): Promise<void>;
}

interface Pending {
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/**
 * Starts (on the first request, and again after a crash) a worker thread that runs `module` with
 * `{ path, busyTimeoutMs }` as its data and answers each `{ id, ... }` with `{ id, result }` or
 * `{ id, error }`. Used by the report thread and the event thread, so that the server's thread,
 * which records every proxied call, never waits for a report or an events batch. The worker holds
 * the process open only while a request is under way.
 *
 * @example
 * const thread = startLedgerWorker({ name: 'report', module: 'report-worker', path, busyTimeoutMs, logger, toError });
 * const input = await thread.request<ReportInput>({ method: 'reportInput', options });
 */
export function startLedgerWorker({ name, module, path, busyTimeoutMs, logger, toError }: LedgerWorkerOptions): LedgerWorker {
  // From `dist/` the worker is JavaScript; from the sources (tests, tsx) it is TypeScript, run through tsx.
  const typescript = extname(fileURLToPath(import.meta.url)) === '.ts';
  const script = new URL(`./${module}${typescript ? '.ts' : '.js'}`, import.meta.url);
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
      // tsx's loader, registered in the worker itself (a worker's `--import` does not reach its main module).
      ? new Worker(`import('tsx/esm/api').then((tsx) => { tsx.register(); return import(${JSON.stringify(script.href)}); });`, { eval: true, workerData })
      : new Worker(script, { workerData });
    started.on('message', ({ id, result, error }: { id: number; result?: unknown; error?: WorkerErrorData }) => {
      const waiting = pending.get(id);
      if (waiting === undefined) return;
      pending.delete(id);
      if (error) waiting.reject(toError(error));
      else waiting.resolve(result);
    });
    started.on('error', (error) => {
      logger.warn(`the ${name} thread failed; it starts again with the next request`, { error: error.message });
      failAll(new LedgerError(`The ${name} thread failed: ${error.message}`, { path }));
    });
    started.on('exit', () => {
      if (worker === started) worker = undefined;
      failAll(new LedgerError(`The ${name} thread stopped.`, { path }));
    });
    started.unref();
    return started;
  };

  return {
    request<T>(message: Record<string, unknown>): Promise<T> {
      if (stopping) return Promise.reject(new LedgerError('The server is stopping.', { path }));
      worker ??= start();
      const id = (nextId += 1);
      const running = worker;
      return new Promise<T>((resolve, reject) => {
        pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
        running.ref();
        running.postMessage({ id, ...message });
      }).finally(() => {
        if (pending.size === 0) running.unref();
      });
    },
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

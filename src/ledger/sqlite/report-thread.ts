import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { LedgerError } from '../../errors.js';
import type { Logger } from '../../logging/logger.js';
import type { ReportInput } from '../../reports/types.js';
import type { ReportInputOptions } from '../ticket-ledger.js';
import type { TicketExplorer } from '../ticket-explorer.js';

/** Options of {@link startReportThread}. */
export interface ReportThreadOptions {
  /** The ledger file (not `:memory:`, which another connection cannot see). */
  path: string;
  /** How long the thread's connection waits for a lock, ms. */
  busyTimeoutMs: number;
  logger: Logger;
}

/** Report inputs loaded on a thread of their own. */
export interface ReportThread extends TicketExplorer {
  /** What `SqliteLedger.reportInput()` gives, loaded on the report thread; a failure there is a {@link LedgerError}. */
  reportInput(options: ReportInputOptions): Promise<ReportInput>;
  /** Ends the thread (after the reports under way). */
  stop(): Promise<void>;
}

interface Pending {
  /** With the method's own result. */
  resolve(result: unknown): void;
  reject(error: Error): void;
}

/**
 * Loads report inputs on a worker thread with its own connection to the ledger, so that the
 * server's thread, which records every proxied call, never waits for a report (0.3 s over a
 * million calls; several seconds for a ledger's first report). The thread starts with the first
 * report and starts again after a crash.
 *
 * @example
 * const reports = startReportThread({ path: 'cpr-meter.db', busyTimeoutMs: 5000, logger });
 * const input = await reports.reportInput({ window, humanHourlyRate: 40 });
 */
export function startReportThread({ path, busyTimeoutMs, logger }: ReportThreadOptions): ReportThread {
  // From `dist/` the worker is JavaScript; from the sources (tests, tsx) it is TypeScript, run through tsx.
  const source = fileURLToPath(import.meta.url);
  const typescript = extname(source) === '.ts';
  const script = new URL(`./report-worker${typescript ? '.ts' : '.js'}`, import.meta.url);
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
    started.on('message', ({ id, input, error }: { id: number; input?: unknown; error?: { message: string; code?: string } }) => {
      const waiting = pending.get(id);
      if (waiting === undefined) return;
      pending.delete(id);
      if (error) waiting.reject(new LedgerError(`The report could not be read from the ledger: ${error.message}`, { path, code: error.code }));
      else waiting.resolve(input);
    });
    started.on('error', (error) => {
      logger.warn('the report thread failed; it starts again with the next report', { error: error.message });
      failAll(new LedgerError(`The report thread failed: ${error.message}`, { path }));
    });
    started.on('exit', () => {
      if (worker === started) worker = undefined;
      failAll(new LedgerError('The report thread stopped.', { path }));
    });
    started.unref();
    return started;
  };

  const request = <T>(method: 'reportInput' | 'ticketPage' | 'ticketTimeline', options: unknown): Promise<T> => {
    if (stopping) return Promise.reject(new LedgerError('The server is stopping.', { path }));
    worker ??= start();
    const id = (nextId += 1);
    const running = worker;
    return new Promise<T>((resolve, reject) => {
      pending.set(id, { resolve: resolve as (result: unknown) => void, reject });
      running.ref();
      running.postMessage({ id, method, options });
    }).finally(() => {
      if (pending.size === 0) running.unref();
    });
  };

  return {
    reportInput: (options) => request('reportInput', options),
    ticketPage: (options) => request('ticketPage', options),
    ticketTimeline: (options) => request('ticketTimeline', options),
    stop() {
      stopping ??= (async () => {
        await Promise.allSettled([...pending.keys()].map((id) => new Promise<void>((done) => {
          const waiting = pending.get(id)!;
          pending.set(id, { resolve: (input) => { waiting.resolve(input); done(); }, reject: (error) => { waiting.reject(error); done(); } });
        })));
        await worker?.terminate();
      })();
      return stopping;
    },
  };
}

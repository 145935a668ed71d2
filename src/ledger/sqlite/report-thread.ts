import { LedgerError } from '../../errors.js';
import type { Logger } from '../../logging/logger.js';
import type { ReportInput } from '../../reports/types.js';
import type { ReportInputOptions } from '../ticket-ledger.js';
import type { TicketExplorer } from '../ticket-explorer.js';
import { startLedgerWorker } from './ledger-worker.js';

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
  const thread = startLedgerWorker({
    name: 'report', module: 'report-worker', path, busyTimeoutMs, logger,
    toError: (error) => new LedgerError(`The report could not be read from the ledger: ${error.message}`, { path, code: error.code }),
  });
  return {
    reportInput: (options) => thread.request({ method: 'reportInput', options }),
    ticketPage: (options) => thread.request({ method: 'ticketPage', options }),
    ticketTimeline: (options) => thread.request({ method: 'ticketTimeline', options }),
    stop: () => thread.stop(),
  };
}

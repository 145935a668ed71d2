import type { TicketLedger } from '../ledger/ticket-ledger.js';
import { computeReport } from './compute-report.js';
import { resolveReportOptions } from './report-options.js';
import type { ReportOptions } from './report-options.js';
import type { Report } from './types.js';

/** What {@link buildReport} needs besides the ledger. */
export interface BuildReportOptions {
  /** The window and grouping, as the user gave them. */
  options: ReportOptions;
  /**
   * USD per hour for all human work without an amount, instead of the ledger's rates, unless
   * `options` gives one. Default: the ledger's rates.
   */
  humanHourlyRate?: number;
  /** Clock for the default window. Default `Date.now`. */
  now?: () => number;
}

/**
 * Resolves the options, loads the window's facts from the ledger and computes the report: the
 * one path shared by the CLI, the HTTP API and the in-process API, so all three agree.
 * Throws a `ValidationError` naming a bad option.
 */
export async function buildReport(ledger: TicketLedger, { options, humanHourlyRate, now = Date.now }: BuildReportOptions): Promise<Report> {
  const resolved = resolveReportOptions(options, { now });
  const { window, groupBy } = resolved;
  const input = await ledger.reportInput({ window, humanHourlyRate: resolved.humanHourlyRate ?? humanHourlyRate });
  return computeReport(input, { groupBy });
}

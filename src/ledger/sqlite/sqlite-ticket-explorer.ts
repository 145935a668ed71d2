import type { Database } from 'better-sqlite3';
import type { TicketExplorer } from '../ticket-explorer.js';
import type { ReportInputOptions, TicketLedger } from '../ticket-ledger.js';
import { ticketShares, type TicketShares } from '../../reports/compute-report.js';
import type { ReportInput } from '../../reports/types.js';
import { createReportInputCache } from './report-input-cache.js';
import { readTicketPage } from './ticket-page.js';
import { readTicketTimeline } from './ticket-timeline.js';

/** A SQLite ledger's report inputs (cached) and the tickets behind them. */
export type SqliteTicketExplorer = TicketExplorer & Pick<TicketLedger, 'reportInput'>;

/**
 * The report inputs, ticket pages and timelines of one connection, sharing one
 * {@link createReportInputCache | cache of report inputs}: a page of tickets needs its window's
 * shares, which the overview of the same window has just computed. `serve` runs one on its
 * report thread; the CLI on its own connection.
 *
 * @example
 * const explorer = createSqliteTicketExplorer(ledger.db);
 * await explorer.ticketPage({ window, humanHourlyRate: 40, sort: 'cost', limit: 20, offset: 0 });
 */
export function createSqliteTicketExplorer(db: Database): SqliteTicketExplorer {
  const cache = createReportInputCache(db);
  // The shares of a cached input, computed once for all its pages and timelines.
  const shares = new WeakMap<ReportInput, TicketShares>();
  // The ticket list's counts per filter, valid as long as the shares (the same ledger state).
  const counts = new WeakMap<TicketShares, Map<string, number>>();
  const sharesOf = (options: ReportInputOptions): TicketShares => {
    const input = cache.reportInput(options);
    let computed = shares.get(input);
    if (computed === undefined) shares.set(input, (computed = ticketShares(input)));
    return computed;
  };
  return {
    async reportInput(options) {
      return cache.reportInput(options);
    },
    async ticketPage(options) {
      const windowShares = sharesOf(options);
      let known = counts.get(windowShares);
      if (known === undefined) counts.set(windowShares, (known = new Map()));
      return readTicketPage(db, windowShares, options, known);
    },
    async ticketTimeline(options) {
      return readTicketTimeline(db, sharesOf(options), options);
    },
  };
}

import type { Database } from 'better-sqlite3';
import type { TicketExplorer } from '../ticket-explorer.js';
import type { TicketLedger } from '../ticket-ledger.js';
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
  return {
    async reportInput(options) {
      return cache.reportInput(options);
    },
    async ticketPage(options) {
      return readTicketPage(db, cache.reportInput(options), options);
    },
    async ticketTimeline(options) {
      return readTicketTimeline(db, cache.reportInput(options), options);
    },
  };
}

import type { TimeWindow } from './ledger.js';
import type { CprEvent } from '../tickets/types.js';
import type { GroupBy, ReportInput } from '../reports/types.js';

/** Counts of one stored batch of events. */
export interface RecordEventsResult {
  accepted: number;
  /** Events skipped because their `eventId` was already stored (or repeated in the batch). */
  duplicates: number;
}

/** Options of {@link TicketLedger.reportInput}. */
export interface ReportInputOptions {
  window: TimeWindow;
  /** USD per hour for human work recorded without an amount. */
  humanHourlyRate: number;
  /**
   * How the report will group its tickets. A ledger that sums tickets by class may mix customers
   * in a class (`customerId: null`) unless this is `customer`. Default: no groups.
   */
  groupBy?: GroupBy;
}

/**
 * The ticket side of the ledger: stores validated events and reads what a report needs.
 * The SQLite ledger implements it with `insertEvents` and `loadReportInput`
 * (`./sqlite/ticket-store.ts`); any store that keeps the same guarantees may.
 */
export interface TicketLedger {
  /** Stores a batch in one transaction, all or nothing; a known `eventId` is skipped and counted as a duplicate. */
  recordEvents(events: CprEvent[]): Promise<RecordEventsResult>;
  /** Everything `computeReport` needs for `window`, as of its end. */
  reportInput(options: ReportInputOptions): Promise<ReportInput>;
}

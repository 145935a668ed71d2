import type { TimeWindow } from './ledger.js';
import type { CprEvent } from '../tickets/types.js';
import type { ReportInput } from '../reports/types.js';

/** An event not stored because its `eventId` was stored before with other content. */
export interface EventConflict {
  /** Its position in the batch given to `recordEvents`. */
  index: number;
  eventId: string;
}

/** Counts of one stored batch of events. */
export interface RecordEventsResult {
  accepted: number;
  /** Events skipped because their `eventId` was already stored (or repeated in the batch) with the same content: redeliveries. */
  duplicates: number;
  /**
   * Events NOT stored because their `eventId` was already stored (or came earlier in the batch)
   * with other content: the stored one stands. Empty when none.
   */
  conflicts: EventConflict[];
}

/** Options of {@link TicketLedger.reportInput}. */
export interface ReportInputOptions {
  window: TimeWindow;
  /**
   * USD per hour for all human work recorded without an amount, instead of the ledger's rates
   * (the report says so). Default: the ledger's rate in effect when each piece of work was done.
   */
  humanHourlyRate?: number;
}

/**
 * The ticket side of the ledger: stores validated events and reads what a report needs.
 * The SQLite ledger implements it with `insertEvents` and `loadReportInput`
 * (`./sqlite/ticket-store.ts`); any store that keeps the same guarantees may.
 */
export interface TicketLedger {
  /**
   * Stores a batch in one transaction, all or nothing; a known `eventId` is skipped, counted as
   * a duplicate when the content is the same and listed as a conflict when it is not.
   */
  recordEvents(events: CprEvent[]): Promise<RecordEventsResult>;
  /** Everything `computeReport` needs for `window`, as of its end. */
  reportInput(options: ReportInputOptions): Promise<ReportInput>;
}

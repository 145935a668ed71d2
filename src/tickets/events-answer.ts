import type { RecordEventsResult } from '../ledger/ticket-ledger.js';
import type { EventWarning } from './unknown-fields.js';

/** An event not stored because its `eventId` was stored before with other content. */
export interface EventConflictReport {
  /** Its position in the batch (a file's line number for `ingest`); `null` for a single event. */
  index: number | null;
  eventId: string;
  /** Says what happened and what to do. */
  message: string;
}

/**
 * What `POST /api/events` and `meter.record()` answer: the counts, the conflicts (events not
 * stored), and the warnings (unknown fields, ignored). `conflicts` and `warnings` are empty lists
 * when there is nothing to say, so that a client can always read them.
 *
 * @example
 * { "accepted": 3, "duplicates": 1, "conflicts": [], "warnings": [] }
 */
export interface EventsAnswer {
  accepted: number;
  duplicates: number;
  conflicts: EventConflictReport[];
  warnings: EventWarning[];
}

/**
 * The answer to a stored batch. `position(i)` maps the index of an event in the stored batch to
 * the index it is named by (`null` for a single event, a line number for a file).
 */
export function eventsAnswer(
  { stored, warnings, where = 'event', position = (i) => i }:
  { stored: RecordEventsResult; warnings: EventWarning[]; where?: 'event' | 'line'; position?: (index: number) => number | null },
): EventsAnswer {
  const conflicts = stored.conflicts.map(({ index, eventId }): EventConflictReport => {
    const at = position(index);
    return {
      index: at,
      eventId,
      message: `${at === null ? where : `${where} ${at}`}: eventId ${JSON.stringify(eventId)} was stored before with other `
        + 'content; this one was not stored (a change needs an eventId of its own)',
    };
  });
  return { accepted: stored.accepted, duplicates: stored.duplicates, conflicts, warnings };
}

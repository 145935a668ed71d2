import { PayloadTooLargeError, ValidationError } from '../errors.js';
import type { CprEvent } from '../tickets/types.js';
import type { EventWarning } from '../tickets/unknown-fields.js';
import { eventsAnswer, type EventsAnswer } from '../tickets/events-answer.js';
import type { TicketLedger } from '../ledger/ticket-ledger.js';
import { validateEvents } from '../tickets/validate-events.js';
import { jsonErrorPosition } from './json-error-position.js';

/**
 * The most events one `POST /api/events` may carry. A batch is stored in one transaction, which
 * holds the ledger's write lock: 2,000 events take about 40 ms (16 µs each, measured), short
 * enough that a proxied call waiting for the lock meanwhile is not held up beyond its 100 ms
 * busy timeout. Files go through `cpr-meter ingest`, which commits in bounded transactions.
 */
export const MAX_EVENTS_PER_BATCH = 2_000;

/** The largest `POST /api/events` body, bytes: 2 KiB for each of {@link MAX_EVENTS_PER_BATCH} events, 4 MiB. */
export const MAX_EVENTS_BODY_BYTES = 4 * 1024 * 1024;

const FOR_FILES = 'For a file of events, use `cpr-meter ingest FILE`, which commits in bounded transactions.';

/** The 413 for a batch over {@link MAX_EVENTS_BODY_BYTES}. */
export function eventsBodyTooLarge(limitBytes: number): PayloadTooLargeError {
  return new PayloadTooLargeError(limitBytes,
    `An events batch may be at most ${limitBytes} bytes and ${MAX_EVENTS_PER_BATCH} events. ${FOR_FILES}`);
}

/** A parsed and validated events body. */
export interface ParsedEvents {
  events: CprEvent[];
  /** Unknown fields, ignored (see `unknown-fields.ts`). */
  warnings: EventWarning[];
  /** The body was an array (its events are named by index), not one event. */
  batch: boolean;
}

/**
 * Parses and validates the body of `POST /api/events` (one event or an array): the events, or a
 * `ValidationError` naming the position of a JSON syntax error or the event and field at fault,
 * or a `PayloadTooLargeError` (413) for more than `maxEvents` events. Pure.
 */
export function parseEventsBody(
  text: string,
  { receivedAt, maxEvents = MAX_EVENTS_PER_BATCH }: { receivedAt: number; maxEvents?: number },
): ParsedEvents {
  let input: unknown;
  try {
    input = JSON.parse(text);
  } catch {
    const at = jsonErrorPosition(text);
    const where = at === null ? '' : ` at position ${at.position} (line ${at.line}, column ${at.column})`;
    throw new ValidationError(`Malformed JSON in the request body${where}.`);
  }
  if (Array.isArray(input) && input.length > maxEvents) {
    throw new PayloadTooLargeError(MAX_EVENTS_BODY_BYTES,
      `An events batch may hold at most ${maxEvents} events; this one has ${input.length}. ${FOR_FILES}`);
  }
  const result = validateEvents(input, { now: () => receivedAt });
  if (!result.ok) throw new ValidationError(result.error.message, { field: result.error.field, index: result.error.index });
  return { events: result.events, warnings: result.warnings, batch: Array.isArray(input) };
}

/**
 * Stores parsed events in `ledger` and answers as `POST /api/events` does: the counts, the
 * conflicts (named by index in a batch) and the warnings.
 */
export async function storeEvents(ledger: Pick<TicketLedger, 'recordEvents'>, parsed: ParsedEvents): Promise<EventsAnswer> {
  const stored = await ledger.recordEvents(parsed.events);
  return eventsAnswer({ stored, warnings: parsed.warnings, position: (i) => (parsed.batch ? i : null) });
}

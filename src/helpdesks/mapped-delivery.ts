import type { CprEventInput } from '../tickets/types.js';

/** What one verified delivery means for cpr-meter: the events to store, or why there are none. */
export interface MappedDelivery {
  /** The helpdesk's topic or event type, short (`ticket.status_changed`), for logs and `webhook explain`. */
  topic: string;
  /** Events in the accepted input shape (validated before they are stored). */
  events: CprEventInput[];
  /** Why nothing (more) is mapped, when `events` is empty; `null` otherwise. */
  reason: string | null;
}

/** A delivery that maps to nothing, and why. */
export const ignored = (topic: string, reason: string): MappedDelivery => ({ topic, events: [], reason });

/** A delivery that maps to `events` (still ignored, with `reason`, when there are none). */
export const mapped = (topic: string, events: CprEventInput[], reason = 'nothing cpr-meter uses changed'): MappedDelivery => ({
  topic, events, reason: events.length === 0 ? reason : null,
});

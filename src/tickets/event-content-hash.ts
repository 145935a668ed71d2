import { createHash } from 'node:crypto';
import type { CprEvent } from './types.js';

/** Keys in order at every level, so that the same content always gives the same text. */
function canonical(value: unknown): unknown {
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map(canonical);
  return Object.fromEntries(Object.keys(value).sort().map((key) => [key, canonical((value as Record<string, unknown>)[key])]));
}

/**
 * A hash of what an event says, to tell a redelivery (same `eventId`, same content: a
 * duplicate) from a conflict (same `eventId`, other content). The content is the validated
 * event as sent: its `eventId` and `at` when it was not given (the time it happened to arrive)
 * are left out, and so are fields cpr-meter ignores; `"2026-10-01T12:00:00+02:00"` and
 * `"2026-10-01T10:00:00Z"` are the same `at`. Pure.
 *
 * @example
 * eventContentHash({ ...event, at: later, atDefaulted: true }) === eventContentHash({ ...event, atDefaulted: true }); // true
 */
export function eventContentHash(event: CprEvent): string {
  const { eventId: _eventId, atDefaulted, ...content } = event;
  const sent = atDefaulted === true ? { ...content, at: null } : content;
  return createHash('sha256').update(JSON.stringify(canonical(sent))).digest('base64url');
}

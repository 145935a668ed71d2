import type { CprEvent } from '../../src/tickets/types.js';
import { validateEvents } from '../../src/tickets/validate-events.js';

/** A time in the middle of the tests' window, and the window: October 2026. */
export const T = Date.UTC(2026, 9, 10);
export const HOUR = 3_600_000;
export const WINDOW = { from: Date.UTC(2026, 9, 1), to: Date.UTC(2026, 10, 1) };

/** Events as `POST /api/events` would accept them (times default to {@link T}); throws on an invalid one. */
export function events(input: unknown[]): CprEvent[] {
  const result = validateEvents(input, { now: () => T });
  if (!result.ok) throw new Error(result.error.message);
  return result.events;
}

/** `ms` as the ISO text events carry. */
export const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The one parser of every date cpr-meter is given: report windows (`--from`, `?from=`,
 * `meter.report({ from })`), event times (`at`) and fixed-cost ranges (`cost.fixed`'s `from`,
 * `to`), whichever way they come in. `Date.parse` alone would read `2026-02-30` as March 2nd:
 * a calendar date that does not exist is refused here, with the same words everywhere.
 */

/** The forms accepted, as error messages name them. */
export const INSTANT_FORMS = 'a date (2026-10-01, UTC midnight) or an ISO 8601 date-time with a time zone (2026-10-01T09:30:00Z)';

/** The outcome of {@link parseInstant}: ms since the epoch, or why the text is not a date. */
export type ParsedInstant =
  | { ok: true; ms: number }
  /** `form`: not one of {@link INSTANT_FORMS}; `calendar`: of the right form, but no such day, time or offset exists. */
  | { ok: false; problem: 'form' | 'calendar'; reason: string };

const FORM = /^(\d{4})-(\d{2})-(\d{2})(?:T(\d{2}):(\d{2})(?::(\d{2})(\.\d+)?)?(Z|[+-](\d{2}):(\d{2})))?$/i;
const MONTHS = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October',
  'November', 'December'];

/** Days in a month of the proleptic Gregorian calendar (`month` 1 to 12). */
function daysIn(year: number, month: number): number {
  return new Date(Date.UTC(year, month, 0)).getUTCDate();
}

/**
 * Parses `2026-10-01` (UTC midnight) or `2026-10-01T09:30[:00[.000]]` with `Z` or an offset
 * (`+02:00`), or takes a `Date`. Refuses, with a reason a person can act on, any other form and
 * any date or time of day that does not exist (`2026-02-30`, `2026-11-31`, `25:00`). Pure.
 *
 * @example
 * parseInstant('2026-02-30'); // { ok: false, problem: 'calendar', reason: 'is not a date: February 2026 has 28 days' }
 */
export function parseInstant(value: string | Date): ParsedInstant {
  if (value instanceof Date) {
    const ms = value.getTime();
    return Number.isFinite(ms) ? { ok: true, ms } : { ok: false, problem: 'form', reason: 'is an invalid Date' };
  }
  const match = FORM.exec(value);
  if (match === null) return { ok: false, problem: 'form', reason: `must be ${INSTANT_FORMS}` };
  const [year, month, day] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (month < 1 || month > 12) return { ok: false, problem: 'calendar', reason: `is not a date: there is no month ${match[2]}` };
  if (day < 1 || day > daysIn(year, month)) {
    return { ok: false, problem: 'calendar', reason: `is not a date: ${MONTHS[month - 1]} ${year} has ${daysIn(year, month)} days` };
  }
  const [hour, minute, second] = [Number(match[4] ?? 0), Number(match[5] ?? 0), Number(match[6] ?? 0)];
  if (hour > 23 || minute > 59 || second > 59) {
    return { ok: false, problem: 'calendar', reason: `is not a time of day: ${match[4]}:${match[5]}${match[6] === undefined ? '' : `:${match[6]}`}` };
  }
  if (match[9] !== undefined && (Number(match[9]) > 23 || Number(match[10]) > 59)) {
    return { ok: false, problem: 'calendar', reason: `has no such time zone offset: ${match[8]}` };
  }
  // Every part checked, Date.parse reads the text exactly as written (a date alone is UTC midnight).
  const ms = Date.parse(match[4] === undefined ? value : value.toUpperCase());
  return Number.isFinite(ms) ? { ok: true, ms } : { ok: false, problem: 'form', reason: `must be ${INSTANT_FORMS}` };
}

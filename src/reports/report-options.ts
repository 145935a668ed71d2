import { ValidationError } from '../errors.js';
import type { TimeWindow } from '../ledger/ledger.js';
import { INSTANT_FORMS, parseInstant as parseDate } from '../time/parse-instant.js';
import { GROUP_BYS } from './types.js';
import type { GroupBy } from './types.js';

/** Default length of a report window ending now. */
export const DEFAULT_REPORT_DAYS = 30;

const DAY_MS = 86_400_000;

/** What the CLI, the HTTP API and the in-process API accept to choose a report. */
export interface ReportOptions {
  /** Window start, inclusive: `2026-10-01` (UTC midnight), an ISO 8601 date-time with zone, or a `Date`. Default: 30 days before `to`. */
  from?: string | Date;
  /** Window end, exclusive. Default: now (what happened this millisecond included). */
  to?: string | Date;
  /** Break down by `category`, `channel`, `day`, `week` or `month`. Default: no groups. */
  groupBy?: string;
  /**
   * USD per hour for all human work without an amount, instead of the ledger's rates; the report
   * says so. Default: the ledger's rate in effect when each piece of work was done.
   */
  humanHourlyRate?: number | string;
}

/** {@link ReportOptions} resolved. */
export interface ResolvedReportOptions {
  window: TimeWindow;
  groupBy: GroupBy | undefined;
  /** `undefined`: the ledger's rates. */
  humanHourlyRate: number | undefined;
}

/** Largest hourly rate accepted, USD: beyond it a value is a mistake. */
const MAX_HOURLY_RATE = 1e6;

/**
 * Parses an hourly rate in USD (a number, or its text): finite, 0 or more. Throws a
 * `ValidationError` naming `option`.
 */
export function parseHourlyRate(value: number | string, option: string): number {
  const rate = typeof value === 'number' ? value : value.trim() === '' ? Number.NaN : Number(value);
  if (!Number.isFinite(rate) || rate < 0 || rate > MAX_HOURLY_RATE) {
    throw new ValidationError(`Invalid "${option}": expected USD per hour, a number from 0 to ${MAX_HOURLY_RATE.toLocaleString('en-US')}, `
      + `got ${JSON.stringify(String(value))}.`, { field: option });
  }
  return rate;
}

/**
 * Parses a window bound with the one date parser of every input ({@link parseDate}): `2026-10-01`
 * (UTC midnight), an ISO 8601 date-time with a zone, or a `Date`. A date that does not exist
 * (`2026-02-30`) is refused, not read as the next month's. Throws a `ValidationError` naming `option`.
 */
export function parseInstant(value: string | Date, option: string): number {
  const parsed = parseDate(value);
  if (parsed.ok) return parsed.ms;
  const message = parsed.problem === 'form'
    ? `Invalid "${option}": expected ${INSTANT_FORMS}, got ${JSON.stringify(String(value))}.`
    : `Invalid "${option}": ${JSON.stringify(String(value))} ${parsed.reason}.`;
  throw new ValidationError(message, { field: option });
}

/**
 * Resolves report options into a window `[from, to)` and a grouping, the same way for every
 * way in. Default window: the {@link DEFAULT_REPORT_DAYS} days ending now. Throws a
 * `ValidationError` whose `field` names the bad option.
 *
 * @example
 * resolveReportOptions({ from: '2026-10-01', to: '2026-11-01', groupBy: 'week' }, { now: Date.now });
 */
export function resolveReportOptions(options: ReportOptions, { now }: { now: () => number }): ResolvedReportOptions {
  const { from, to, groupBy, humanHourlyRate } = options;
  // The default end is just after now, so that what happened this very millisecond is in.
  const toMs = to === undefined || to === '' ? now() + 1 : parseInstant(to, 'to');
  const fromMs = from === undefined || from === '' ? toMs - DEFAULT_REPORT_DAYS * DAY_MS : parseInstant(from, 'from');
  if (!(fromMs < toMs)) {
    throw new ValidationError(`Invalid "from": it must be earlier than "to" (${new Date(toMs).toISOString()}).`, { field: 'from' });
  }
  if (groupBy !== undefined && groupBy !== '' && !(GROUP_BYS as readonly string[]).includes(groupBy)) {
    throw new ValidationError(`Invalid "groupBy": expected one of ${GROUP_BYS.join(', ')}, got ${JSON.stringify(groupBy)}.`,
      { field: 'groupBy' });
  }
  return {
    window: { from: fromMs, to: toMs },
    groupBy: groupBy === undefined || groupBy === '' ? undefined : groupBy as GroupBy,
    humanHourlyRate: humanHourlyRate === undefined ? undefined : parseHourlyRate(humanHourlyRate, 'humanHourlyRate'),
  };
}

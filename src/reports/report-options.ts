import { ValidationError } from '../errors.js';
import type { TimeWindow } from '../ledger/ledger.js';
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
  /** Break down by `category`, `channel`, `customer`, `day`, `week` or `month`. Default: no groups. */
  groupBy?: string;
  /**
   * The human cost per resolution before the bot, USD, to estimate savings against (HTTP
   * `humanBaselineCpr`, CLI `--human-baseline-cpr`). Default: the window's human-only CPR.
   */
  humanBaselineCprUsd?: number | string;
}

/** {@link ReportOptions} resolved. */
export interface ResolvedReportOptions {
  window: TimeWindow;
  groupBy: GroupBy | undefined;
  /** `undefined` when not configured. */
  humanBaselineCprUsd: number | undefined;
}

const DATE_ONLY = /^\d{4}-\d{2}-\d{2}$/;
const DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/i;

/**
 * Parses a window bound: `2026-10-01` (UTC midnight), an ISO 8601 date-time with a zone, or a
 * `Date`. Throws a `ValidationError` naming `option`.
 */
export function parseInstant(value: string | Date, option: string): number {
  const ms = value instanceof Date ? value.getTime()
    : DATE_ONLY.test(value) || DATE_TIME.test(value) ? Date.parse(value) : Number.NaN;
  if (!Number.isFinite(ms)) {
    throw new ValidationError(
      `Invalid "${option}": expected a date (2026-10-01) or an ISO 8601 date-time with a time zone `
        + `(2026-10-01T00:00:00Z), got ${JSON.stringify(String(value))}.`,
      { field: option },
    );
  }
  return ms;
}

/**
 * Resolves report options into a window `[from, to)`, a grouping and a configured human
 * baseline, the same way for every way in. Default window: the {@link DEFAULT_REPORT_DAYS} days ending now. Throws a
 * `ValidationError` whose `field` names the bad option.
 *
 * @example
 * resolveReportOptions({ from: '2026-10-01', to: '2026-11-01', groupBy: 'week' }, { now: Date.now });
 */
export function resolveReportOptions(options: ReportOptions, { now }: { now: () => number }): ResolvedReportOptions {
  const { from, to, groupBy } = options;
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
    humanBaselineCprUsd: parseBaseline(options.humanBaselineCprUsd),
  };
}

/** A human baseline CPR: a number of USD >= 0 (as a number or a decimal string), or nothing. */
function parseBaseline(value: number | string | undefined): number | undefined {
  if (value === undefined || value === '') return undefined;
  const usd = typeof value === 'number' ? value : /^\s*\d+(\.\d+)?\s*$/.test(value) ? Number(value) : Number.NaN;
  if (!Number.isFinite(usd) || usd < 0) {
    throw new ValidationError(`Invalid "humanBaselineCprUsd": expected a cost per resolution in USD >= 0 (e.g. 12.50), got ${JSON.stringify(String(value))}.`,
      { field: 'humanBaselineCprUsd' });
  }
  return usd;
}

import type { Request, Response, Router } from 'express';
import { handled } from './handled.js';
import { TicketNotFoundError, ValidationError } from '../errors.js';
import type { TicketExplorer, TicketPathFilter, TicketSort } from '../ledger/ticket-explorer.js';
import { TICKET_PATH_FILTERS } from '../ledger/ticket-explorer.js';
import type { TicketLedger } from '../ledger/ticket-ledger.js';
import { buildReport } from '../reports/build-report.js';
import { resolveReportOptions } from '../reports/report-options.js';
import { trendSeries } from '../reports/trend-series.js';
import type { Report } from '../reports/types.js';

/** What the dashboard's routes read from. */
export interface DashboardRoutesOptions {
  ledger: TicketLedger;
  explorer: TicketExplorer;
  /** USD per hour for all human work without an amount, instead of the ledger's rates. Default: the ledger's rates. */
  humanHourlyRate?: number;
  now: () => number;
}

/** Largest page of the ticket list: the browser never receives every ticket. */
export const MAX_TICKET_PAGE = 200;

/**
 * Adds the routes behind the dashboard to the API router: `GET /trend` (CPR and the cost behind
 * it per day or week), `GET /tickets` (a page of the tickets in scope, costliest first by
 * default) and `GET /tickets/:id` (one ticket's timeline). Each takes the window as `from` and
 * `to`, and an hourly rate as `humanHourlyRate`, like `GET /report`: ticket costs are the ones the
 * report sums, human work at the ledger's dated rates unless a rate is given.
 */
export function registerDashboardRoutes(router: Router, { ledger, explorer, humanHourlyRate, now }: DashboardRoutesOptions): void {
  router.get('/trend', handled(async (req: Request, res: Response) => {
    const query = req.query as Record<string, unknown>;
    const interval = single(query, 'interval') ?? 'day';
    if (interval !== 'day' && interval !== 'week') {
      throw new ValidationError('Invalid "interval": expected day or week.', { field: 'interval' });
    }
    const report = await buildReport(ledger, {
      options: { from: single(query, 'from'), to: single(query, 'to'), groupBy: interval, humanHourlyRate: single(query, 'humanHourlyRate') },
      humanHourlyRate,
      now,
    });
    res.json(trendSeries(report, interval));
  }));

  router.get('/tickets', handled(async (req: Request, res: Response) => {
    const query = req.query as Record<string, unknown>;
    const { window, humanHourlyRate: rate } = resolveReportOptions(
      { from: single(query, 'from'), to: single(query, 'to'), humanHourlyRate: single(query, 'humanHourlyRate') }, { now });
    const sort = oneOf(query, 'sort', ['cost', 'time'] as const) ?? 'cost';
    const order = oneOf(query, 'order', ['desc', 'asc'] as const) ?? 'desc';
    const path = oneOf(query, 'path', TICKET_PATH_FILTERS);
    res.json(await explorer.ticketPage({
      window, humanHourlyRate: rate ?? humanHourlyRate, sort: sort as TicketSort, order, path: path as TicketPathFilter | undefined,
      category: nonEmpty(single(query, 'category')), channel: nonEmpty(single(query, 'channel')), customer: nonEmpty(single(query, 'customer')),
      limit: integer(query, 'limit', { min: 1, max: MAX_TICKET_PAGE, fallback: 20 }),
      offset: integer(query, 'offset', { min: 0, max: Number.MAX_SAFE_INTEGER, fallback: 0 }),
    }));
  }));

  router.get('/tickets/:id', handled(async (req: Request, res: Response) => {
    const query = req.query as Record<string, unknown>;
    const { window, humanHourlyRate: rate } = resolveReportOptions(
      { from: single(query, 'from'), to: single(query, 'to'), humanHourlyRate: single(query, 'humanHourlyRate') }, { now });
    const ticketId = String(req.params.id);
    const timeline = await explorer.ticketTimeline({ ticketId, window, humanHourlyRate: rate ?? humanHourlyRate });
    if (timeline === null) throw new TicketNotFoundError(`No ticket "${ticketId}" in the ledger before ${new Date(window.to).toISOString()}.`, { ticketId });
    res.json(timeline);
  }));
}

/**
 * The report of the window just before `report`'s, of the same length: what `compare=previous`
 * adds to `GET /report` as `previous` (its window and totals), for each figure's change; human
 * work at `humanHourlyRate` when given, else at the ledger's rates.
 */
export async function previousReport(
  ledger: TicketLedger,
  { report, humanHourlyRate }: { report: Report; humanHourlyRate?: number },
): Promise<Pick<Report, 'window' | 'totals' | 'unallocatedCostUsd'>> {
  const from = Date.parse(report.window.from);
  const to = Date.parse(report.window.to);
  const previous = await buildReport(ledger, { options: { from: new Date(from - (to - from)), to: new Date(from) }, humanHourlyRate });
  return { window: previous.window, totals: previous.totals, unallocatedCostUsd: previous.unallocatedCostUsd };
}

function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new ValidationError(`Invalid "${name}": give it once, as a string.`, { field: name });
}

const nonEmpty = (value: string | undefined): string | undefined => (value === '' ? undefined : value);

function oneOf<T extends string>(query: Record<string, unknown>, name: string, allowed: readonly T[]): T | undefined {
  const value = nonEmpty(single(query, name));
  if (value === undefined || (allowed as readonly string[]).includes(value)) return value as T | undefined;
  throw new ValidationError(`Invalid "${name}": expected one of ${allowed.join(', ')}, got ${JSON.stringify(value)}.`, { field: name });
}

function integer(query: Record<string, unknown>, name: string, { min, max, fallback }: { min: number; max: number; fallback: number }): number {
  const value = nonEmpty(single(query, name));
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new ValidationError(`Invalid "${name}": expected a whole number from ${min} to ${max}, got ${JSON.stringify(value)}.`, { field: name });
  }
  return n;
}

import express from 'express';
import type { Request, Response, Router } from 'express';
import { ValidationError } from '../errors.js';
import type { TicketExplorer } from '../ledger/ticket-explorer.js';
import type { TicketLedger } from '../ledger/ticket-ledger.js';
import { buildReport } from '../reports/build-report.js';
import { parseHourlyRate } from '../reports/report-options.js';
import { REPORT_FORMATS, REPORT_MEDIA_TYPES, formatReport } from '../reports/format-report.js';
import type { ReportFormat } from '../reports/format-report.js';
import { eventsAnswer } from '../tickets/events-answer.js';
import { validateEvents } from '../tickets/validate-events.js';
import { adminAuth } from './admin-auth.js';
import { apiErrorHandler } from './api-error-handler.js';
import { previousReport, registerDashboardRoutes } from './dashboard-routes.js';
import { handled } from './handled.js';
import { jsonErrorPosition } from './json-error-position.js';

/** Options of {@link createApiRouter}. */
export interface ApiRouterOptions {
  /** Where events go and reports come from. */
  ledger: TicketLedger;
  /** When set (`CPR_ADMIN_TOKEN`, `--admin-token`), every route requires `Authorization: Bearer <token>`. */
  adminToken?: string;
  /**
   * USD per hour for all human work without an amount in every report, instead of the ledger's
   * rates (a report's `humanHourlyRate` query parameter overrides it). Default: the ledger's rates.
   */
  humanHourlyRate?: number;
  /** Clock, ms since the epoch: default `at` of events, default report window. Default `Date.now`. */
  now?: () => number;
  /** Largest accepted request body in bytes. Default 5 MiB. */
  maxBodyBytes?: number;
  /** The tickets behind the reports: adds `GET /trend`, `GET /tickets` and `GET /tickets/:id` (the dashboard's APIs). */
  explorer?: TicketExplorer;
}

/**
 * The event and report API, mounted by the server at `/api`:
 * `POST /events` (one event or an array; validated whole, stored in one transaction) answers
 * `{ accepted, duplicates, conflicts, warnings }` (see {@link eventsAnswer}); `GET /report?from=&to=&groupBy=&format=` answers the report
 * (JSON by default; `csv`, `html`, `table` too; `compare=previous` adds the previous window's
 * totals, priced at the same hourly rates). With an `explorer`, the dashboard's routes too
 * (`dashboard-routes.ts`). Errors use the one JSON error shape.
 *
 * @example
 * app.use('/api', createApiRouter({ ledger, adminToken: process.env.CPR_ADMIN_TOKEN }));
 */
export function createApiRouter({
  ledger, adminToken, humanHourlyRate, now = Date.now, maxBodyBytes = 5 * 1024 * 1024, explorer,
}: ApiRouterOptions): Router {
  const router = express.Router();
  if (adminToken !== undefined && adminToken !== '') router.use(adminAuth({ token: adminToken }));

  router.post('/events', express.text({ type: () => true, limit: maxBodyBytes }), handled(async (req: Request, res: Response) => {
    const input = typeof req.body === 'string' ? parseJson(req.body) : req.body;
    const result = validateEvents(input, { now });
    if (!result.ok) throw new ValidationError(result.error.message, { field: result.error.field, index: result.error.index });
    const stored = await ledger.recordEvents(result.events);
    const batch = Array.isArray(input);
    res.json(eventsAnswer({ stored, warnings: result.warnings, position: (i) => (batch ? i : null) }));
  }));

  router.get('/report', handled(async (req: Request, res: Response) => {
    const query = req.query as Record<string, unknown>;
    const format = single(query, 'format') ?? 'json';
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw new ValidationError(`Invalid "format": expected one of ${REPORT_FORMATS.join(', ')}.`, { field: 'format' });
    }
    const reportRate = single(query, 'humanHourlyRate');
    const report = await buildReport(ledger, {
      options: { from: single(query, 'from'), to: single(query, 'to'), groupBy: single(query, 'groupBy'), humanHourlyRate: reportRate },
      humanHourlyRate,
      now,
    });
    const compare = single(query, 'compare');
    if (compare !== undefined && compare !== '') {
      if (compare !== 'previous' || format !== 'json') {
        throw new ValidationError('Invalid "compare": only compare=previous, with format=json.', { field: 'compare' });
      }
      // The previous window is priced as this one: at the rate given for this report, if any.
      const rate = reportRate === undefined ? humanHourlyRate : parseHourlyRate(reportRate, 'humanHourlyRate');
      res.json({ ...report, previous: await previousReport(ledger, { report, humanHourlyRate: rate }) });
      return;
    }
    res.type(REPORT_MEDIA_TYPES[format as ReportFormat]).send(formatReport(report, format as ReportFormat));
  }));
  if (explorer !== undefined) registerDashboardRoutes(router, { ledger, explorer, humanHourlyRate, now });

  router.use((req: Request, res: Response) => {
    res.status(404).json({ error: { message: `No route ${req.method} ${req.baseUrl}${req.path}.`, type: 'not_found_error' } });
  });
  router.use(apiErrorHandler());
  return router;
}

/** Parses a request body, naming the position of a syntax error. */
function parseJson(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const at = jsonErrorPosition(text);
    const where = at === null ? '' : ` at position ${at.position} (line ${at.line}, column ${at.column})`;
    throw new ValidationError(`Malformed JSON in the request body${where}.`);
  }
}

/** One query parameter as a string; a repeated parameter is an error naming it. */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new ValidationError(`Invalid "${name}": give it once, as a string.`, { field: name });
}

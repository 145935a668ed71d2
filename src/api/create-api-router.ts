import express from 'express';
import type { Request, Response, Router } from 'express';
import { PayloadTooLargeError, ValidationError } from '../errors.js';
import type { EventThread } from '../ledger/sqlite/event-thread.js';
import type { TicketExplorer } from '../ledger/ticket-explorer.js';
import { readBody } from '../proxy/read-body.js';
import type { BodyMemory } from '../server/body-memory.js';
import { MAX_EVENTS_BODY_BYTES, eventsBodyTooLarge, parseEventsBody, storeEvents } from './parse-events-body.js';
import type { TicketLedger } from '../ledger/ticket-ledger.js';
import { buildReport } from '../reports/build-report.js';
import { parseHourlyRate } from '../reports/report-options.js';
import { REPORT_FORMATS, REPORT_MEDIA_TYPES, formatReport } from '../reports/format-report.js';
import type { ReportFormat } from '../reports/format-report.js';
import { adminAuth } from './admin-auth.js';
import { apiErrorHandler } from './api-error-handler.js';
import { previousReport, registerDashboardRoutes } from './dashboard-routes.js';
import { handled } from './handled.js';

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
  /**
   * Human cost per resolution to estimate savings against when a request gives no
   * `humanBaselineCpr` (`CPR_HUMAN_BASELINE_CPR`). Default: none (the ledger's
   * `human-baseline-cpr` setting, else the window's human-only CPR).
   */
  humanBaselineCprUsd?: number;
  /** Clock, ms since the epoch: default `at` of events, default report window. Default `Date.now`. */
  now?: () => number;
  /** Largest accepted request body in bytes; an events body is also held to {@link MAX_EVENTS_BODY_BYTES}. Default 5 MiB. */
  maxBodyBytes?: number;
  /**
   * Parses, validates and stores event bodies off the server's thread (the event thread). Without
   * it they are parsed here and stored through `ledger.recordEvents`.
   */
  events?: Pick<EventThread, 'storeBody'> | undefined;
  /** The bytes all request bodies may hold at once (`--max-body-memory-bytes`); none: no cap. */
  bodyMemory?: BodyMemory | undefined;
  /** A client that sends no byte of its body for this long is cut, ms (`--body-timeout-ms`). */
  bodyTimeoutMs?: number | undefined;
  /** The tickets behind the reports: adds `GET /trend`, `GET /tickets` and `GET /tickets/:id` (the dashboard's APIs). */
  explorer?: TicketExplorer;
}

/**
 * The event and report API, mounted by the server at `/api`:
 * `POST /events` (one event or an array of at most 2,000; validated whole, stored in one
 * transaction, on the event thread when there is one) answers
 * `{ accepted, duplicates, conflicts, warnings }` (see `eventsAnswer`);
 * `GET /report?from=&to=&groupBy=&humanHourlyRate=&humanBaselineCpr=&format=` answers the report
 * (JSON by default; `csv`, `html`, `table` too; `compare=previous` adds the previous window's
 * totals, priced at the same hourly rates). With an `explorer`, the dashboard's routes too
 * (`dashboard-routes.ts`). Errors use the one JSON error shape.
 *
 * @example
 * app.use('/api', createApiRouter({ ledger, adminToken: process.env.CPR_ADMIN_TOKEN }));
 */
export function createApiRouter({
  ledger, adminToken, humanHourlyRate, humanBaselineCprUsd, now = Date.now, maxBodyBytes = 5 * 1024 * 1024, events, bodyMemory, bodyTimeoutMs,
  explorer,
}: ApiRouterOptions): Router {
  const limitBytes = Math.min(maxBodyBytes, MAX_EVENTS_BODY_BYTES);
  const router = express.Router();
  if (adminToken !== undefined && adminToken !== '') router.use(adminAuth({ token: adminToken }));

  router.post('/events', handled(async (req: Request, res: Response) => {
    const lease = bodyMemory?.lease();
    try {
      let body: Buffer;
      try {
        body = await readBody(req, { limitBytes, lease, idleTimeoutMs: bodyTimeoutMs });
      } catch (error) {
        // Over the events limit (not a smaller --max-body-bytes): say where large batches go.
        throw error instanceof PayloadTooLargeError && limitBytes < maxBodyBytes ? eventsBodyTooLarge(limitBytes) : error;
      }
      const receivedAt = now();
      res.json(events
        ? await events.storeBody(body, { receivedAt })
        : await storeEvents(ledger, parseEventsBody(body.toString('utf8'), { receivedAt })));
    } finally {
      lease?.release();
    }
  }));

  router.get('/report', handled(async (req: Request, res: Response) => {
    const query = req.query as Record<string, unknown>;
    const format = single(query, 'format') ?? 'json';
    if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
      throw new ValidationError(`Invalid "format": expected one of ${REPORT_FORMATS.join(', ')}.`, { field: 'format' });
    }
    // An empty `humanBaselineCpr=` is not given: the server's baseline, if any, applies.
    const baseline = single(query, 'humanBaselineCpr');
    const reportRate = single(query, 'humanHourlyRate');
    const report = await buildReport(ledger, {
      options: { from: single(query, 'from'), to: single(query, 'to'), groupBy: single(query, 'groupBy'),
        humanHourlyRate: reportRate,
        humanBaselineCprUsd: baseline === undefined || baseline === '' ? humanBaselineCprUsd : baseline },
      humanHourlyRate,
      now,
    }).catch((error: unknown) => {
      // Name the parameter as it is written in the URL.
      if (error instanceof ValidationError && error.field === 'humanBaselineCprUsd') {
        throw new ValidationError(error.message.replace('"humanBaselineCprUsd"', '"humanBaselineCpr"'), { field: 'humanBaselineCpr' });
      }
      throw error;
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

/** One query parameter as a string; a repeated parameter is an error naming it. */
function single(query: Record<string, unknown>, name: string): string | undefined {
  const value = query[name];
  if (value === undefined || typeof value === 'string') return value;
  throw new ValidationError(`Invalid "${name}": give it once, as a string.`, { field: name });
}

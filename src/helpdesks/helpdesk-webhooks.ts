import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Database } from 'better-sqlite3';
import express, { type Request, type Response, type Router } from 'express';
import { adminAuth } from '../api/admin-auth.js';
import { apiErrorHandler } from '../api/api-error-handler.js';
import type { Logger } from '../logging/logger.js';
import { createWebhookMetrics } from '../telemetry/webhook-metrics.js';
import type { HelpdeskSettings } from './helpdesk-config.js';
import { helpdeskEndpoints } from './helpdesk-endpoints.js';
import { DeliveryStats } from './delivery-stats.js';
import { DeliveryWriter, type WebhookWriter } from './delivery-writer.js';
import { LedgerDeliveryWriter } from './ledger-delivery-writer.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { createWebhookRoute } from './webhook-route.js';
import type { BodyMemory } from '../server/body-memory.js';

/** The helpdesk connectors of a running server. */
export interface HelpdeskWebhooks {
  /** Handles a request whose path starts with `/webhooks/`. */
  handle(req: IncomingMessage, res: ServerResponse): Promise<void>;
  /** `GET /api/helpdesks`, admin-token protected like every `/api` route. */
  apiRouter: Router;
  stats: DeliveryStats;
  writer: WebhookWriter;
  /** Writes what is buffered and stops the retry timer. */
  close(): void;
}

/** Options of {@link createHelpdeskWebhooks}. */
export interface HelpdeskWebhooksOptions {
  settings: HelpdeskSettings;
  /**
   * Where deliveries are stored: a SQLite ledger's connection (written on the proxy's thread
   * without ever waiting for its lock: see {@link DeliveryWriter}), or any `Ledger` (PostgreSQL),
   * written through its contract.
   */
  store: { db: Database; busyTimeoutMs: number } | { ledger: Ledger; maxConcurrentWrites?: number };
  adminToken?: string;
  logger: Logger;
  now: () => number;
  /** The bytes all request bodies may hold at once (`--max-body-memory-bytes`), shared with the proxy; none: no cap. */
  bodyMemory?: BodyMemory | undefined;
  /** A delivery that sends no byte of its body for this long is cut, ms (`--body-timeout-ms`). */
  bodyTimeoutMs?: number | undefined;
}

/**
 * Sets up the webhook endpoints of the configured helpdesks, their counters and their API.
 *
 * @example
 * const webhooks = createHelpdeskWebhooks({ settings, store: { db: ledger.db, busyTimeoutMs: 5000 }, logger, now: Date.now });
 * const onPostgres = createHelpdeskWebhooks({ settings, store: { ledger: pgLedger }, logger, now: Date.now });
 */
export function createHelpdeskWebhooks({ settings, store, adminToken, logger, now, bodyMemory, bodyTimeoutMs }: HelpdeskWebhooksOptions): HelpdeskWebhooks {
  const endpoints = helpdeskEndpoints(settings);
  const stats = new DeliveryStats([...endpoints.keys()]);
  const writer: WebhookWriter = 'ledger' in store ? new LedgerDeliveryWriter({ ledger: store.ledger, maxConcurrentWrites: store.maxConcurrentWrites, logger, now })
    : new DeliveryWriter({ db: store.db, busyTimeoutMs: store.busyTimeoutMs, logger, now });
  const handle = createWebhookRoute({ endpoints, writer, stats, countDelivery: createWebhookMetrics(), logger, now, bodyMemory, bodyTimeoutMs });
  const apiRouter = express.Router();
  if (adminToken !== undefined && adminToken !== '') apiRouter.use(adminAuth({ token: adminToken }));
  apiRouter.get('/', (_req: Request, res: Response) => {
    res.json({ helpdesks: stats.snapshot(), bufferedEvents: writer.buffered, droppedEvents: writer.dropped });
  });
  apiRouter.use(apiErrorHandler());
  if (endpoints.size > 0) logger.info('helpdesk webhooks enabled', { endpoints: [...endpoints.keys()].map((name) => `/webhooks/${name}`) });
  return { handle, apiRouter, stats, writer, close: () => writer.close() };
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { AuthenticationError, CprError, PayloadTooLargeError, ValidationError } from '../errors.js';
import type { Logger } from '../logging/logger.js';
import type { BodyMemory } from '../server/body-memory.js';
import { readBody } from '../proxy/read-body.js';
import { sendError } from '../proxy/send-error.js';
import type { CountDelivery } from '../telemetry/webhook-metrics.js';
import { validateEvents } from '../tickets/validate-events.js';
import { HELPDESKS, type Helpdesk } from './helpdesk-config.js';
import type { HelpdeskEndpoint } from './helpdesk-endpoints.js';
import type { DeliveryStats, Outcome } from './delivery-stats.js';
import type { WebhookWriter } from './delivery-writer.js';

/** Largest webhook body read: helpdesk deliveries are a few KB (a HubSpot batch of 100 events, ~30 KB). */
export const WEBHOOK_MAX_BODY_BYTES = 1024 * 1024;

/** Options of {@link createWebhookRoute}. */
export interface WebhookRouteOptions {
  endpoints: Map<Helpdesk, HelpdeskEndpoint>;
  writer: WebhookWriter;
  stats: DeliveryStats;
  countDelivery: CountDelivery;
  logger: Logger;
  now: () => number;
  /** The bytes all request bodies may hold at once, shared with the proxy; none: no cap. */
  bodyMemory?: BodyMemory | undefined;
  /** A delivery that sends no byte of its body for this long is cut (408), ms. */
  bodyTimeoutMs?: number | undefined;
}

class NotConfiguredError extends CprError {
  override name = 'NotConfiguredError' as const;
  override readonly status = 404;
  override readonly type = 'not_found_error';
}

class MethodError extends CprError {
  override name = 'MethodError' as const;
  override readonly status = 405;
  override readonly type = 'invalid_request_error';
}

/**
 * The handler of `/webhooks/{zendesk,intercom,hubspot,freshdesk}`: reads the raw body, verifies
 * it (signature or token) before parsing anything, maps it, validates the events, stores them
 * without waiting for a lock, and answers: 200 stored / duplicate / conflict / ignored / buffered, 401 bad
 * signature, 400 malformed JSON, 503 ledger locked (HubSpot retries). Each delivery is logged
 * at debug and counted by outcome; nothing of the payload is kept but the mapped events.
 */
export function createWebhookRoute({ endpoints, writer, stats, countDelivery, logger, now, bodyMemory, bodyTimeoutMs }: WebhookRouteOptions) {
  const finish = ({ helpdesk, topic, outcome, events, rejection }: { helpdesk: Helpdesk; topic: string | null; outcome: Outcome; events: number; rejection?: string }) => {
    stats.count({ helpdesk, outcome, at: now(), rejection });
    countDelivery({ helpdesk, outcome });
    logger.debug('webhook delivery', { helpdesk, topic, outcome, events, ...(rejection ? { reason: rejection } : {}) });
  };

  return async function handleWebhook(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const name = (req.url ?? '').split('?')[0]!.slice('/webhooks/'.length).replace(/\/+$/, '');
    const endpoint = (HELPDESKS as readonly string[]).includes(name) ? endpoints.get(name as Helpdesk) : undefined;
    if (endpoint === undefined) {
      return sendError(res, new NotConfiguredError(`No webhook endpoint ${req.url?.split('?')[0]}: configured helpdesks are ${[...endpoints.keys()].join(', ') || 'none'} (--helpdesks, CPR_HELPDESKS).`));
    }
    const helpdesk = endpoint.helpdesk;
    // Intercom checks a new URL with a HEAD request before it subscribes it.
    if (req.method === 'HEAD') return void res.writeHead(200).end();
    if (req.method !== 'POST') return sendError(res, new MethodError(`Use POST for ${req.url?.split('?')[0]}.`), { allow: 'POST, HEAD' });
    let body: Buffer;
    const lease = bodyMemory?.lease();
    try {
      body = await readBody(req, { limitBytes: WEBHOOK_MAX_BODY_BYTES, lease, idleTimeoutMs: bodyTimeoutMs });
    } catch (error) {
      finish({ helpdesk, topic: null, outcome: 'rejected', events: 0, rejection: (error as Error).message });
      // Over the limit, over the memory cap (503) or stalled (408): the error says which.
      return sendError(res, error instanceof CprError ? error : new ValidationError('The request body could not be read.'));
    } finally {
      // Counted while being read, the phase a slow or stalled sender can stretch; the route then holds
      // one body for the short time it takes to verify, map and hand it to the writer.
      lease?.release();
    }
    try {
      endpoint.verify(req, body, now());
    } catch (error) {
      const rejection = error instanceof AuthenticationError ? error.message : 'Verification failed.';
      finish({ helpdesk, topic: null, outcome: 'rejected', events: 0, rejection });
      return sendError(res, error instanceof AuthenticationError ? error : new AuthenticationError(rejection));
    }
    let payload: unknown;
    try {
      payload = JSON.parse(body.toString('utf8'));
    } catch {
      finish({ helpdesk, topic: null, outcome: 'rejected', events: 0, rejection: 'Malformed JSON.' });
      return sendError(res, new ValidationError(`Malformed JSON in the ${helpdesk} webhook body.`));
    }
    const delivery = endpoint.map(payload);
    const validated = validateEvents(delivery.events, { now });
    if (!validated.ok) {
      // A mapping bug, not the helpdesk's fault: acknowledge (a 4xx would make it retry and pause the webhook) and say so.
      logger.warn('webhook mapped to an invalid event (a cpr-meter bug): delivery ignored', { helpdesk, topic: delivery.topic, error: validated.error.message });
      finish({ helpdesk, topic: delivery.topic, outcome: 'ignored', events: 0 });
      return answer(res, 200, { outcome: 'ignored', reason: 'mapping error' });
    }
    const stageMoves = delivery.stageMoves ?? [];
    if (validated.events.length === 0 && stageMoves.length === 0) {
      finish({ helpdesk, topic: delivery.topic, outcome: 'ignored', events: 0 });
      return answer(res, 200, { outcome: 'ignored', topic: delivery.topic, reason: delivery.reason });
    }
    const written = await writer.write({ helpdesk, events: validated.events, stageMoves, deriveFromMove: endpoint.deriveFromMove },
      { mayBuffer: endpoint.whenBusy === 'buffer' });
    if (written.kind === 'busy') {
      finish({ helpdesk, topic: delivery.topic, outcome: 'unavailable', events: validated.events.length });
      return sendError(res, new CprErrorUnavailable(`The ledger is locked (${written.reason}); retry later.`), { 'retry-after': '60' });
    }
    if (written.kind === 'buffered') {
      finish({ helpdesk, topic: delivery.topic, outcome: 'buffered', events: validated.events.length });
      return answer(res, 200, { outcome: 'buffered', events: validated.events.length });
    }
    const outcome: Outcome = written.accepted > 0 || written.newMoves > 0 ? 'stored' : written.conflicts > 0 ? 'conflict' : 'duplicate';
    if (written.conflicts > 0) {
      // Still 200: a retry would carry the same content. The ids say nothing of the payload but the delivery's.
      logger.warn('webhook events not stored: their ids were stored before with other content (mapping options changed since the first delivery?)',
        { helpdesk, topic: delivery.topic, conflicts: written.conflicts });
    }
    finish({ helpdesk, topic: delivery.topic, outcome, events: written.accepted });
    answer(res, 200, { outcome, topic: delivery.topic, accepted: written.accepted, duplicates: written.duplicates, conflicts: written.conflicts });
  };
}

class CprErrorUnavailable extends CprError {
  override name = 'LedgerBusyError' as const;
  override readonly status = 503;
  override readonly type = 'ledger_error';
}

function answer(res: ServerResponse, status: number, body: object): void {
  const payload = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) });
  res.end(payload);
}

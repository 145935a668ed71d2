import { createHmac } from 'node:crypto';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import type { StartServerOptions } from '../../src/server/start-server.js';
import { CONFIG, ENV } from './helpdesk-fixtures.js';

/** A proxy harness with the four helpdesks configured, a settable clock, and signed posting. */
export interface WebhookHarness extends ProxyHarness {
  clock: { now: number };
  /** Posts a body to `/webhooks/<helpdesk>`, signed as the helpdesk signs it (unless `headers` says otherwise). */
  post(helpdesk: string, body: string, options?: { headers?: Record<string, string>; secret?: string; signedAt?: number }): Promise<Response>;
  /** Rows in the ledger's `events` table. */
  storedEvents(): Array<{ event_id: string; type: string; at: number }>;
}

/**
 * The helpdesks' signatures, written here from the vendors' descriptions rather than imported
 * from src/, so that a mistake in the scheme cannot hide behind the same code on both sides.
 */
export function signedHeaders(
  { helpdesk, body, url, secret, signedAt }: { helpdesk: string; body: string; url: string; secret?: string; signedAt: number },
): Record<string, string> {
  switch (helpdesk) {
    case 'zendesk': {
      const timestamp = new Date(signedAt).toISOString().replace(/\.\d{3}Z$/, 'Z');
      const signature = createHmac('sha256', secret ?? ENV.ZENDESK_WEBHOOK_SECRET).update(timestamp + body).digest('base64');
      return { 'x-zendesk-webhook-signature': signature, 'x-zendesk-webhook-signature-timestamp': timestamp };
    }
    case 'intercom':
      return { 'x-hub-signature': `sha1=${createHmac('sha1', secret ?? ENV.INTERCOM_CLIENT_SECRET).update(body).digest('hex')}` };
    case 'hubspot': {
      const signature = createHmac('sha256', secret ?? ENV.HUBSPOT_CLIENT_SECRET).update(`POST${url}${body}${signedAt}`).digest('base64');
      return { 'x-hubspot-signature-v3': signature, 'x-hubspot-request-timestamp': String(signedAt) };
    }
    case 'freshdesk':
      return { authorization: `Basic ${Buffer.from(`${secret ?? ENV.FRESHDESK_WEBHOOK_TOKEN}:X`).toString('base64')}` };
    default:
      return {};
  }
}

/** Starts the harness; the clock starts at `start`. */
export async function startWebhookHarness(start: number, options: StartServerOptions = {}): Promise<WebhookHarness> {
  const clock = { now: start };
  const h = await startProxyHarness({ helpdeskSettings: CONFIG, env: ENV, now: () => clock.now, ...options });
  return {
    ...h,
    clock,
    async post(helpdesk, body, { headers, secret, signedAt = clock.now } = {}) {
      const url = `${h.cpr.url}/webhooks/${helpdesk}`;
      const signed = headers ?? signedHeaders({ helpdesk, body, url, secret, signedAt });
      return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body });
    },
    storedEvents: () => h.cpr.ledger.db.prepare('SELECT event_id, type, at FROM events ORDER BY seq').all() as Array<{ event_id: string; type: string; at: number }>,
  };
}

import { createHmac } from 'node:crypto';
import pg from 'pg';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { createTestDatabase } from '../support/postgres.js';
import type { StartServerOptions } from '../../src/server/start-server.js';
import { CONFIG, ENV } from './helpdesk-fixtures.js';

/** A proxy harness with the four helpdesks configured, a settable clock, and signed posting. */
export interface WebhookHarness extends ProxyHarness {
  clock: { now: number };
  /** Posts a body to `/webhooks/<helpdesk>`, signed as the helpdesk signs it (unless `headers` says otherwise). */
  post(helpdesk: string, body: string, options?: { headers?: Record<string, string>; secret?: string; signedAt?: number }): Promise<Response>;
  /** Rows in the ledger's `events` table, in the order they were stored. */
  storedEvents(): Promise<StoredEvent[]>;
  /** The ledger's `db`: the SQLite file's path, or the PostgreSQL test database's URL. */
  db: string;
}

/** A row of the ledger's `events` table. */
export interface StoredEvent {
  event_id: string;
  type: string;
  at: number;
}

/** The stores the webhook tests run on, for `describe.each`: `serve` on a SQLite file, and on a PostgreSQL database of its own. */
export const WEBHOOK_STORES = [{ store: 'sqlite' as const }, { store: 'postgres' as const }];

/** Which ledger a harness's `serve` writes. */
export type WebhookStore = (typeof WEBHOOK_STORES)[number]['store'];

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

/**
 * Starts the harness; the clock starts at `start`; `options` go to `startServer`, but for `store: 'postgres'`: `serve` on a fresh
 * database of the run's PostgreSQL server, or of the one at `serverUrl` (dropped at close). Default SQLite.
 */
export async function startWebhookHarness(start: number,
  { store = 'sqlite', serverUrl, ...options }: StartServerOptions & { store?: WebhookStore; serverUrl?: string } = {}): Promise<WebhookHarness> {
  const clock = { now: start };
  const database = store === 'postgres' ? await createTestDatabase(serverUrl) : undefined;
  const h = await startProxyHarness({ helpdeskSettings: CONFIG, env: ENV, now: () => clock.now, ...(database ? { db: database.url } : {}), ...options });
  return {
    ...h,
    clock,
    db: database?.url ?? h.dbPath,
    async post(helpdesk, body, { headers, secret, signedAt = clock.now } = {}) {
      const url = `${h.cpr.url}/webhooks/${helpdesk}`;
      const signed = headers ?? signedHeaders({ helpdesk, body, url, secret, signedAt });
      return fetch(url, { method: 'POST', headers: { 'content-type': 'application/json', ...signed }, body });
    },
    async storedEvents() {
      const sql = 'SELECT event_id, type, at FROM events ORDER BY seq';
      if (database === undefined) return h.cpr.ledger.db.prepare(sql).all() as StoredEvent[];
      const client = new pg.Client({ connectionString: database.url });
      await client.connect();
      try {
        return (await client.query(sql)).rows.map((row) => ({ event_id: row.event_id, type: row.type, at: Number(row.at) }));
      } finally {
        await client.end();
      }
    },
    async close() {
      await h.close();
      await database?.drop();
    },
  };
}

import BetterSqlite3 from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { fixtureText } from './helpdesk-fixtures.js';
import { startWebhookHarness, type WebhookHarness } from './webhook-harness.js';

const NOW = Date.parse('2026-10-05T09:10:00Z');
let h: WebhookHarness;
afterEach(async () => h.close());

describe('deliveries while another process holds the ledger\'s write lock', () => {
  it('are answered without waiting for the lock: buffered (Zendesk, Intercom, Freshdesk) or 503 for a retry (HubSpot)', async () => {
    // A busy timeout of a minute: a delivery that waited for the lock would outlive the test's 5 s.
    h = await startWebhookHarness(NOW, { busyTimeoutMs: 60_000 });
    const other = new BetterSqlite3(h.dbPath);
    other.exec('BEGIN IMMEDIATE');
    try {
      const zendesk = await h.post('zendesk', fixtureText('zendesk', 'ticket.created'));
      expect(zendesk.status).toBe(200);
      expect(await zendesk.json()).toEqual({ outcome: 'buffered', events: 2 });
      const hubspot = await h.post('hubspot', fixtureText('hubspot', 'ticket.creation'));
      expect(hubspot.status).toBe(503);
      expect(hubspot.headers.get('retry-after')).toBe('60');
      expect(await h.storedEvents()).toEqual([]);
      const stats = (await (await fetch(`${h.cpr.url}/api/helpdesks`)).json()) as any;
      expect(stats.bufferedEvents).toBe(2);
      expect(stats.helpdesks.hubspot.counts.unavailable).toBe(1);
    } finally {
      other.exec('COMMIT');
      other.close();
    }
    // The buffer is retried every 500 ms; HubSpot's retry then goes through.
    const deadline = Date.now() + 5000;
    while ((await h.storedEvents()).length !== 2) {
      if (Date.now() > deadline) throw new Error('the buffered events were not written within 5 s');
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect((await h.post('hubspot', fixtureText('hubspot', 'ticket.creation'))).status).toBe(200);
    expect(await h.storedEvents()).toHaveLength(5);
  });
});

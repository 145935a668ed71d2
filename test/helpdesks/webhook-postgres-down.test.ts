import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/logging/logger.js';
import { startDedicatedPostgres, type TestPostgresServer } from '../support/postgres.js';
import { fixtureText } from './helpdesk-fixtures.js';
import { startWebhookHarness, type StoredEvent, type WebhookHarness } from './webhook-harness.js';

const NOW = Date.parse('2026-10-05T09:10:00Z');
const WINDOW = 'from=2026-10-01T00:00:00Z&to=2026-11-01T00:00:00Z';

/** HubSpot: the ticket created (stage 1), closed (stage 4), then moved back to stage 2 (a reopen); Zendesk: a ticket created. */
const BEFORE = [{ helpdesk: 'hubspot', body: fixtureText('hubspot', 'ticket.creation') },
  { helpdesk: 'hubspot', body: fixtureText('hubspot', 'ticket.propertyChange.hs_pipeline_stage') }];
const DURING = [{ helpdesk: 'zendesk', body: fixtureText('zendesk', 'ticket.created') },
  { helpdesk: 'hubspot', body: fixtureText('hubspot', 'ticket.propertyChange.hs_pipeline_stage.reopened') }];

function sorted(events: StoredEvent[]): StoredEvent[] {
  return [...events].sort((a, b) => a.event_id.localeCompare(b.event_id));
}

async function totals(h: WebhookHarness): Promise<Record<string, unknown>> {
  return ((await (await fetch(`${h.cpr.url}/api/report?${WINDOW}`)).json()) as any).totals;
}

describe('helpdesk webhooks while PostgreSQL is down', () => {
  let server: TestPostgresServer;
  beforeAll(async () => {
    server = await startDedicatedPostgres();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answer 503 so that the helpdesk redelivers; the redeliveries store each event once, as a ledger never down does', async () => {
    const lines: string[] = [];
    const logger = createLogger({ level: 'debug', write: (line) => void lines.push(line) });
    const h = await startWebhookHarness(NOW, { logger, store: 'postgres', serverUrl: server.url });
    // The same deliveries, in the same order, to a SQLite ledger that is never down: what "nothing lost, nothing doubled" means.
    const reference = await startWebhookHarness(NOW);
    try {
      for (const { helpdesk, body } of [...BEFORE, ...DURING]) expect((await reference.post(helpdesk, body)).status).toBe(200);
      for (const { helpdesk, body } of BEFORE) expect((await h.post(helpdesk, body)).status).toBe(200);
      const before = await h.storedEvents();

      await server.stop();
      for (const { helpdesk, body } of DURING) {
        const refused = await h.post(helpdesk, body);
        expect(refused.status).toBe(503);
        expect(refused.headers.get('retry-after')).toBe('60');
        expect(((await refused.json()) as any).error.type).toBe('ledger_error');
      }
      const stats = (await (await fetch(`${h.cpr.url}/api/helpdesks`)).json()) as any;
      expect(stats.helpdesks.zendesk.counts.unavailable).toBe(1);
      expect(stats.helpdesks.hubspot.counts.unavailable).toBe(1);
      expect(stats.bufferedEvents).toBe(0);
      // Logged once per kind of failure, without the password.
      const refusals = lines.filter((line) => line.includes('webhook events not written'));
      expect(refusals.length).toBeGreaterThanOrEqual(1);
      expect(refusals.length).toBeLessThanOrEqual(2);
      expect(lines.join('\n')).not.toContain('cpr-test-password');

      await server.start();
      // The helpdesks redeliver (HubSpot and Zendesk retry a 503); the first retries may still find the pool reconnecting.
      for (const { helpdesk, body } of DURING) {
        const deadline = Date.now() + 15_000;
        let response = await h.post(helpdesk, body);
        while (response.status === 503 && Date.now() < deadline) {
          await new Promise((resolve) => setTimeout(resolve, 200));
          response = await h.post(helpdesk, body);
        }
        expect(response.status).toBe(200);
        expect(await response.json()).toMatchObject({ outcome: 'stored' });
      }
      // A second redelivery of each (a helpdesk that never saw the first answer): duplicates only.
      for (const { helpdesk, body } of DURING) expect(await (await h.post(helpdesk, body)).json()).toMatchObject({ outcome: 'duplicate', accepted: 0 });

      const stored = await h.storedEvents();
      expect(new Set(stored.map((e) => e.event_id)).size).toBe(stored.length);
      expect(sorted(stored)).toEqual(sorted(await reference.storedEvents()));
      // The reopen was derived from the stage history on PostgreSQL: a ticket.reopened beyond what came before the outage.
      expect(stored.filter((e) => e.type === 'ticket.reopened')).toHaveLength(1);
      expect(before.filter((e) => e.type === 'ticket.reopened')).toHaveLength(0);
      expect(await totals(h)).toEqual(await totals(reference));
    } finally {
      await h.close();
      await reference.close();
    }
  }, 60_000);

  it('answer 503 after 3 s when PostgreSQL holds the write up; the write that commits later makes the redelivery a duplicate', async () => {
    const h = await startWebhookHarness(NOW, { store: 'postgres', serverUrl: server.url });
    const locker = new pg.Client({ connectionString: h.db });
    await locker.connect();
    try {
      // Another session holds the events table: the delivery's insert waits for it.
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      const t0 = Date.now();
      const held = await h.post('zendesk', DURING[0]!.body);
      const waited = Date.now() - t0;
      expect(held.status).toBe(503);
      // Answered at the 3,000 ms bound, within the 5 s the helpdesks give (the margin: a loaded machine).
      expect(waited).toBeGreaterThanOrEqual(3_000);
      await locker.query('COMMIT');
      // The held write goes on and commits once the lock is gone; the redelivery then finds its 2 events.
      const deadline = Date.now() + 10_000;
      while ((await h.storedEvents()).length < 2 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
      expect(await (await h.post('zendesk', DURING[0]!.body)).json()).toMatchObject({ outcome: 'duplicate', accepted: 0, duplicates: 2 });
      expect(await h.storedEvents()).toHaveLength(2);
    } finally {
      await locker.end();
      await h.close();
    }
  }, 60_000);
});

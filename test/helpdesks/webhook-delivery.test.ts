import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureText } from './helpdesk-fixtures.js';
import { WEBHOOK_STORES, signedHeaders, startWebhookHarness, type WebhookHarness } from './webhook-harness.js';

/** The server's clock: 10 minutes after the fixtures' first delivery. */
const NOW = Date.parse('2026-10-05T09:10:00Z');

/** One mapped delivery per helpdesk, and how many events it stores. */
const DELIVERIES = [
  { helpdesk: 'zendesk', body: fixtureText('zendesk', 'ticket.created'), events: 2 },
  { helpdesk: 'intercom', body: fixtureText('intercom', 'conversation.user.created'), events: 2 },
  { helpdesk: 'hubspot', body: fixtureText('hubspot', 'ticket.creation'), events: 3 },
  { helpdesk: 'freshdesk', body: fixtureText('freshdesk', 'ticket_action.created'), events: 2 },
];

// Every test on serve's SQLite ledger and on a PostgreSQL one: the webhooks store through either.
describe.each(WEBHOOK_STORES)('helpdesk webhooks on $store', ({ store }) => {
  // A fresh ledger for each test: "nothing stored" is checked on an empty one.
  let h: WebhookHarness;
  beforeEach(async () => {
    h = await startWebhookHarness(NOW, { store });
  });
  afterEach(async () => h.close());

  describe.each(DELIVERIES)('$helpdesk deliveries', ({ helpdesk, body, events }) => {
    const url = () => `${h.cpr.url}/webhooks/${helpdesk}`;

    it('a correctly signed delivery is stored, and its redelivery is a duplicate counted once', async () => {
      const first = await h.post(helpdesk, body);
      expect(first.status).toBe(200);
      expect(await first.json()).toMatchObject({ outcome: 'stored', accepted: events, duplicates: 0, conflicts: 0 });
      const again = await h.post(helpdesk, body);
      expect(await again.json()).toMatchObject({ outcome: 'duplicate', accepted: 0, duplicates: events, conflicts: 0 });
      expect(await h.storedEvents()).toHaveLength(events);
    });

    it('a wrong secret, one changed byte, or no signature header: 401, nothing stored', async () => {
      const wrongSecret = await h.post(helpdesk, body, { secret: 'not-the-secret' });
      const signed = signedHeaders({ helpdesk, body, url: url(), signedAt: NOW });
      // The same signature over a body with one byte changed (a digit of an id).
      const changed = body.replace(/1/, '2');
      expect(changed).not.toBe(body);
      const tampered = await h.post(helpdesk, changed, { headers: signed });
      const unsigned = await h.post(helpdesk, body, { headers: {} });
      // Freshdesk signs nothing: its token proves the sender, not the bytes (see the README).
      const refused = helpdesk === 'freshdesk' ? [wrongSecret, unsigned] : [wrongSecret, tampered, unsigned];
      if (helpdesk === 'freshdesk') expect(tampered.status).toBe(200);
      else expect(await h.storedEvents()).toEqual([]);
      for (const response of refused) {
        expect(response.status).toBe(401);
        expect(((await response.json()) as any).error.type).toBe('authentication_error');
      }
      if (helpdesk !== 'freshdesk') expect(await h.storedEvents()).toEqual([]);
    });
  });

  describe('delivery rules', () => {
    it('a timestamp signed more than 5 minutes away is refused (Zendesk, HubSpot); 4 minutes is accepted', async () => {
      for (const helpdesk of ['zendesk', 'hubspot']) {
        const stored = (await h.storedEvents()).length;
        const body = DELIVERIES.find((d) => d.helpdesk === helpdesk)!.body;
        const stale = await h.post(helpdesk, body, { signedAt: NOW - 5 * 60_000 - 1000 });
        expect(stale.status).toBe(401);
        expect(((await stale.json()) as any).error.message).toMatch(/Stale/);
        const future = await h.post(helpdesk, body, { signedAt: NOW + 6 * 60_000 });
        expect(future.status).toBe(401);
        expect(await h.storedEvents()).toHaveLength(stored);
        expect((await h.post(helpdesk, body, { signedAt: NOW - 4 * 60_000 })).status).toBe(200);
      }
    });

    it('a delivery id sent again with other content is a conflict: 200, nothing stored, counted as conflict; the identical redelivery stays a duplicate', async () => {
      const body = fixtureText('zendesk', 'ticket.status_changed');
      const first = (await (await h.post('zendesk', body)).json()) as any;
      expect(first).toMatchObject({ outcome: 'stored', duplicates: 0, conflicts: 0 });
      const stored = await h.storedEvents();
      // Same delivery id, another time: every event it maps to has the id of a stored one, and other content.
      const changed = body.replace('"time": "2026-10-05T09:45:00.000000000Z"', '"time": "2026-10-05T09:46:00.000000000Z"');
      expect(changed).not.toBe(body);
      const conflicting = await h.post('zendesk', changed);
      expect(conflicting.status).toBe(200);
      expect(await conflicting.json()).toEqual({ outcome: 'conflict', topic: 'ticket.status_changed', accepted: 0, duplicates: 0,
        conflicts: first.accepted });
      expect(await h.storedEvents()).toEqual(stored);
      expect(await (await h.post('zendesk', body)).json()).toMatchObject({ outcome: 'duplicate', accepted: 0, duplicates: first.accepted, conflicts: 0 });
      const stats = (await (await fetch(`${h.cpr.url}/api/helpdesks`)).json()) as any;
      expect(stats.helpdesks.zendesk.counts).toMatchObject({ stored: 1, duplicate: 1, conflict: 1 });
    });

    it('a signed, unused topic answers 200 and is counted as ignored; malformed JSON is 400', async () => {
      const before = (await (await fetch(`${h.cpr.url}/api/helpdesks`)).json()) as any;
      const unused = await h.post('zendesk', fixtureText('zendesk', 'ticket.comment_added'));
      expect(unused.status).toBe(200);
      expect(await unused.json()).toMatchObject({ outcome: 'ignored', topic: 'ticket.comment_added' });
      const malformed = await h.post('intercom', '{"topic": "conversation.admin.closed",');
      expect(malformed.status).toBe(400);
      const after = (await (await fetch(`${h.cpr.url}/api/helpdesks`)).json()) as any;
      expect(after.helpdesks.zendesk.counts.ignored - before.helpdesks.zendesk.counts.ignored).toBe(1);
      expect(after.helpdesks.intercom.counts.rejected - before.helpdesks.intercom.counts.rejected).toBe(1);
      expect(after.helpdesks.intercom.lastRejection).toBe('Malformed JSON.');
      expect(await h.storedEvents()).toEqual([]);
    });

    it('Intercom: the HEAD validation and the ping topic answer 200', async () => {
      const head = await fetch(`${h.cpr.url}/webhooks/intercom`, { method: 'HEAD' });
      expect(head.status).toBe(200);
      const ping = await h.post('intercom', fixtureText('intercom', 'ping'));
      expect(await ping.json()).toMatchObject({ outcome: 'ignored', topic: 'ping' });
    });

    it('Freshdesk accepts its token as Basic auth, Bearer or the X-Cpr-Webhook-Token header', async () => {
      const body = fixtureText('freshdesk', 'status.resolved');
      expect((await h.post('freshdesk', body, { headers: { 'x-cpr-webhook-token': 'fd-token-5f2b9c' } })).status).toBe(200);
      expect((await h.post('freshdesk', body, { headers: { authorization: 'Bearer fd-token-5f2b9c' } })).status).toBe(200);
      expect((await h.post('freshdesk', body, { headers: { authorization: 'Bearer fd-token-5f2b9d' } })).status).toBe(401);
      expect((await h.storedEvents()).map((e) => e.type)).toEqual(['ticket.resolved', 'conversation.linked']);
    });

    it('HubSpot: behind a proxy the URI signed is the public one', async () => {
      const body = DELIVERIES[2]!.body;
      const publicSigned = signedHeaders({ helpdesk: 'hubspot', body, url: 'https://cpr.example.com/webhooks/hubspot', signedAt: NOW });
      // Not trusted: the forwarded headers are ignored, the signature does not match the local URI.
      const refused = await h.post('hubspot', body, { headers: { ...publicSigned, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'cpr.example.com' } });
      expect(refused.status).toBe(401);
      const trusting = await startWebhookHarness(NOW, {
        store, helpdeskSettings: { hubspot: { secretEnv: 'HUBSPOT_CLIENT_SECRET', closedStageIds: ['4'], trustForwardedHeaders: true } },
      });
      const configured = await startWebhookHarness(NOW, {
        store, helpdeskSettings: { hubspot: { secretEnv: 'HUBSPOT_CLIENT_SECRET', closedStageIds: ['4'], publicUrl: 'https://cpr.example.com/' } },
      });
      try {
        const viaForwarded = await trusting.post('hubspot', body, { headers: { ...publicSigned, 'x-forwarded-proto': 'https', 'x-forwarded-host': 'cpr.example.com' } });
        expect(viaForwarded.status).toBe(200);
        expect((await configured.post('hubspot', body, { headers: publicSigned })).status).toBe(200);
      } finally {
        await trusting.close();
        await configured.close();
      }
    });

    it('a helpdesk not configured has no endpoint; the webhooks need no admin token but /api/helpdesks does', async () => {
      const only = await startWebhookHarness(NOW, {
        adminToken: 'admin-secret',
        helpdeskSettings: { zendesk: { secretEnv: 'ZENDESK_WEBHOOK_SECRET' } },
        store,
      });
      try {
        expect((await only.post('intercom', DELIVERIES[1]!.body)).status).toBe(404);
        expect((await only.post('zendesk', DELIVERIES[0]!.body)).status).toBe(200);
        expect((await fetch(`${only.cpr.url}/api/helpdesks`)).status).toBe(401);
        const stats = (await (await fetch(`${only.cpr.url}/api/helpdesks`, { headers: { authorization: 'Bearer admin-secret' } })).json()) as any;
        expect(Object.keys(stats.helpdesks)).toEqual(['zendesk']);
        expect(stats.helpdesks.zendesk).toMatchObject({
          endpoint: '/webhooks/zendesk', lastDeliveryAt: '2026-10-05T09:10:00.000Z', lastOutcome: 'stored',
          counts: { stored: 1, duplicate: 0, conflict: 0, ignored: 0, rejected: 0, buffered: 0, unavailable: 0 },
        });
      } finally {
        await only.close();
      }
    });
  });
});

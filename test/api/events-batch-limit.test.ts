import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';

/** `count` human.work events on tickets B-0, B-1, ... as one JSON array. */
function batch(count: number, prefix: string): string {
  return JSON.stringify(Array.from({ length: count }, (_, i) => ({ type: 'human.work', ticketId: `${prefix}-${i}`, seconds: 60, eventId: `${prefix}-${i}` })));
}

const post = (h: ProxyHarness, body: string) => fetch(`${h.cpr.url}/api/events`, { method: 'POST', headers: { 'content-type': 'application/json' }, body });
const stored = (h: ProxyHarness, prefix: string) => h.cpr.ledger.db.prepare('SELECT COUNT(*) FROM events WHERE event_id LIKE ?').pluck().get(`${prefix}-%`);

describe('POST /api/events batch size', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness();
  });
  afterAll(() => h.close());

  it('refuses 200,000 events (413, pointing at cpr-meter ingest) without reading them into the ledger', async () => {
    const body = batch(200_000, 'big');
    // 200,000 events of about 75 bytes: well over the 4 MiB (4,194,304 bytes) an events body may be.
    expect(body.length).toBeGreaterThan(4 * 1024 * 1024);
    const res = await post(h, body);
    // Before: 200 {"accepted":200000}, after 2.2 to 3.4 s with every LLM call stopped.
    expect(res.status).toBe(413);
    const { error } = (await res.json()) as { error: { message: string; type: string } };
    expect(error.type).toBe('invalid_request_error');
    expect(error.message).toContain('cpr-meter ingest');
    expect(error.message).toContain('2000 events');
    expect(stored(h, 'big')).toBe(0);
  });

  it('refuses 2,001 events in a small body (413 naming the count), accepts 2,000 on the event thread', async () => {
    const over = await post(h, batch(2_001, 'over'));
    expect(over.status).toBe(413);
    expect(((await over.json()) as { error: { message: string } }).error.message)
      .toBe('An events batch may hold at most 2000 events; this one has 2001. For a file of events, use `cpr-meter ingest FILE`, which commits in bounded transactions.');
    expect(stored(h, 'over')).toBe(0);

    const ok = await post(h, batch(2_000, 'ok'));
    expect(ok.status).toBe(200);
    expect(await ok.json()).toEqual({ accepted: 2_000, duplicates: 0, conflicts: [], warnings: [] });
    expect(stored(h, 'ok')).toBe(2_000);
    // The batch was stored by the event thread, not the server's connection: the thread answers too.
    expect(await h.cpr.events!.recordEvents([])).toEqual({ accepted: 0, duplicates: 0, conflicts: [] });
  });

  it('answers bad events from the event thread with the same 400 as before', async () => {
    const res = await post(h, JSON.stringify([{ type: 'human.work', ticketId: 'T1', seconds: 60 }, { type: 'human.work', ticketId: 'T1', seconds: -1 }]));
    expect(res.status).toBe(400);
    expect(await res.json()).toMatchObject({ error: { type: 'invalid_request_error', field: 'seconds', index: 1 } });
  });
});

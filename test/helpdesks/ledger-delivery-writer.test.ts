import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LedgerDeliveryWriter } from '../../src/helpdesks/ledger-delivery-writer.js';
import { silentLogger } from '../../src/logging/logger.js';
import { openPostgresLedger, type PostgresLedger } from '../../src/ledger/postgres/postgres-ledger.js';
import { validateEvents } from '../../src/tickets/validate-events.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const NOW = Date.parse('2026-10-05T09:10:00Z');

function opened(ticketId: string) {
  const result = validateEvents([{ type: 'ticket.opened', eventId: `open-${ticketId}`, ticketId, at: '2026-10-05T09:00:00Z' }], { now: () => NOW });
  if (!result.ok) throw new Error(result.error.message);
  return result.events;
}

describe('LedgerDeliveryWriter on PostgreSQL', () => {
  let database: TestDatabase;
  let ledger: PostgresLedger;
  beforeAll(async () => {
    database = await createTestDatabase();
    ledger = await openPostgresLedger({ url: database.url, poolSize: 4 });
  });
  afterAll(async () => {
    await ledger?.close();
    await database?.drop();
  });

  it('writes one delivery at a time when asked; one answered 503 before its turn is never written', async () => {
    const writer = new LedgerDeliveryWriter({ ledger, logger: silentLogger, now: () => NOW, answerWithinMs: 300, maxConcurrentWrites: 1 });
    const locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
    try {
      await locker.query('BEGIN');
      await locker.query('LOCK TABLE events IN ACCESS EXCLUSIVE MODE');
      // A takes the one slot and waits for the lock; B waits for the slot. Both are answered at 300 ms.
      const [a, b] = await Promise.all([writer.write({ helpdesk: 'zendesk', events: opened('TA') }), writer.write({ helpdesk: 'zendesk', events: opened('TB') })]);
      expect(a).toEqual({ kind: 'busy', reason: 'SLOW_COMMIT' });
      expect(b).toEqual({ kind: 'busy', reason: 'SLOW_COMMIT' });
      await locker.query('COMMIT');
    } finally {
      await locker.end();
    }
    // A was under way: it commits once the lock goes. B's turn came after its answer: not written.
    const deadline = Date.now() + 10_000;
    const ids = async () => (await ledger.query<{ event_id: string }>('reading events', 'SELECT event_id FROM events ORDER BY event_id')).rows.map((r) => r.event_id);
    while ((await ids()).length === 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    // Its slot handed on (B gave it back at once): a third delivery is written straight away.
    expect(await writer.write({ helpdesk: 'zendesk', events: opened('TC') })).toMatchObject({ kind: 'written', accepted: 1 });
    expect(await ids()).toEqual(['open-TA', 'open-TC']);
  });
});

import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openPostgresLedger, type PostgresLedger } from '../../src/ledger/postgres/postgres-ledger.js';
import { insertCalls } from '../../src/ledger/postgres/call-rows.js';
import { computeReport } from '../../src/reports/compute-report.js';
import { testCallToLlmCall } from '../support/ledger-stores.js';
import { createTestDatabase, type TestDatabase } from '../support/postgres.js';

const T = Date.UTC(2026, 10, 2, 9);
const WINDOW = { from: Date.UTC(2026, 10, 1), to: Date.UTC(2026, 11, 1) };

/**
 * Two writers commit out of order around a report. Writer A inserts a call and holds its
 * transaction open; writer B inserts one and commits; a report (which folds the kept facts)
 * sees B only; A commits; the next report sees both, A's call exactly once. A watermark
 * ("every call up to the largest id or xid folded") would skip A's call for good: A's
 * transaction id is smaller than B's, which the first fold already took.
 */
describe('the PostgreSQL report fold with writers committing out of order', () => {
  let database: TestDatabase;
  let ledger: PostgresLedger;
  let writerA: pg.Client;
  let writerB: pg.Client;
  beforeAll(async () => {
    database = await createTestDatabase();
    ledger = await openPostgresLedger({ url: database.url, poolSize: 2 });
    writerA = new pg.Client({ connectionString: database.url });
    writerB = new pg.Client({ connectionString: database.url });
    await writerA.connect();
    await writerB.connect();
  });
  afterAll(async () => {
    await writerA?.end();
    await writerB?.end();
    await ledger?.close();
    await database?.drop();
  });

  const totals = async () => computeReport(await ledger.reportInput({ window: WINDOW, humanHourlyRate: 40 }), {}).totals;
  const xidOf = async (id: string) => (await ledger.pool.query<{ xid: string }>('SELECT xid::text AS xid FROM llm_calls WHERE id = $1', [id])).rows[0]!.xid;

  it("counts a row committed after a larger one exactly once", async () => {
    // A report first, so that the kept facts exist and the next ones fold only what is new.
    expect((await totals()).llmCalls).toBe(0);

    await writerA.query('BEGIN');
    await insertCalls(writerA, [testCallToLlmCall({ id: 'call-a', startedAt: T, conversationId: 'conv-a', costUsd: 0.25 })]);
    await insertCalls(writerB, [testCallToLlmCall({ id: 'call-b', startedAt: T + 1000, conversationId: 'conv-b', costUsd: 0.5 })]);

    // B is committed, A is not: the report (and its fold) sees B alone.
    const first = await totals();
    expect(first.llmCalls).toBe(1);
    expect(first.llmCostUsd).toBeCloseTo(0.5, 10);
    expect(first.tickets).toBe(1); // conv-b, an implicit ticket

    await writerA.query('COMMIT');
    // A's transaction began and wrote first: its id is the smaller one.
    expect(BigInt(await xidOf('call-a'))).toBeLessThan(BigInt(await xidOf('call-b')));

    // Both calls, each once: .25 + .50 = .75 over 2 tickets, by the fold and by a report after it.
    for (let report = 0; report < 2; report++) {
      const after = await totals();
      expect(after.llmCalls).toBe(2);
      expect(after.llmCostUsd).toBeCloseTo(0.75, 10);
      expect(after.tickets).toBe(2);
    }
    // And the kept facts hold each ticket once, A's included.
    const kept = await ledger.pool.query<{ ticket_id: string; calls: number }>('SELECT ticket_id, calls FROM report_ticket_facts ORDER BY ticket_id');
    expect(kept.rows).toEqual([{ ticket_id: 'conv-a', calls: 1 }, { ticket_id: 'conv-b', calls: 1 }]);
  });

  it('gives every replica the same report while they report and write at once, one folding at a time', async () => {
    const replicas = await Promise.all([1, 2, 3].map(() => openPostgresLedger({ url: database.url, poolSize: 2 })));
    try {
      let n = 0;
      const writes = (async () => {
        for (let batch = 0; batch < 20; batch++) {
          const calls = Array.from({ length: 25 }, () => testCallToLlmCall({ id: `w-${n}`, startedAt: T + (n += 1) * 1000,
            conversationId: `conv-${n % 40}`, costUsd: 0.01 }));
          await replicas[batch % 3]!.recordBatch({ calls, events: [] });
        }
      })();
      // Reports from the three replicas while the writes go on: each consistent in itself.
      const reports = replicas.map(async (replica) => {
        for (let i = 0; i < 5; i++) await replica.reportInput({ window: WINDOW, humanHourlyRate: 40 });
      });
      await Promise.all([writes, ...reports]);
      // 500 calls written + the 2 of the first test: every replica counts 502, at $0.01 each + .75.
      const totals = await Promise.all(replicas.map(async (replica) => computeReport(await replica.reportInput({ window: WINDOW, humanHourlyRate: 40 }), {}).totals));
      for (const t of totals) {
        expect(t.llmCalls).toBe(502);
        expect(t.llmCostUsd).toBeCloseTo(5.75, 8);
        expect(t.tickets).toBe(42); // conv-0 .. conv-39, conv-a, conv-b
      }
      expect(totals[1]).toEqual(totals[0]);
      expect(totals[2]).toEqual(totals[0]);
    } finally {
      await Promise.all(replicas.map((replica) => replica.close()));
    }
  });

  it('reports for a user who may only read, recomputing what changed since the last fold', async () => {
    const reader = `reader_${database.name}`;
    await ledger.pool.query(`CREATE ROLE ${reader} LOGIN PASSWORD 'reader-pw'`);
    await ledger.pool.query(`GRANT SELECT ON ALL TABLES IN SCHEMA public TO ${reader}`);
    const url = new URL(database.url);
    url.username = reader;
    url.password = 'reader-pw';
    const readOnly = await openPostgresLedger({ url: url.toString(), poolSize: 1 });
    try {
      // A call after the last fold: the reader cannot fold it in, and counts it all the same.
      await ledger.recordBatch({ calls: [testCallToLlmCall({ id: 'after-fold', startedAt: T, conversationId: 'conv-r', costUsd: 1 })], events: [] });
      const theirs = computeReport(await readOnly.reportInput({ window: WINDOW, humanHourlyRate: 40 }), {}).totals;
      const ours = computeReport(await ledger.reportInput({ window: WINDOW, humanHourlyRate: 40 }), {}).totals;
      expect(theirs.llmCalls).toBe(503); // the 502 before, and this one
      expect(theirs).toEqual(ours);
      await expect(readOnly.recordBatch({ calls: [testCallToLlmCall({ id: 'refused', startedAt: T, costUsd: 1 })], events: [] }))
        .rejects.toMatchObject({ code: '42501' });
    } finally {
      await readOnly.close();
      // Roles belong to the server, not the database: not left behind on a server CPR_TEST_POSTGRES_URL names.
      await ledger.pool.query(`DROP OWNED BY ${reader}`);
      await ledger.pool.query(`DROP ROLE ${reader}`);
    }
  });
});

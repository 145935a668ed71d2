import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { CallRecorder } from '../../src/ledger/call-recorder.js';
import { openPostgresLedger, type PostgresLedger } from '../../src/ledger/postgres/postgres-ledger.js';
import { createLogger } from '../../src/logging/logger.js';
import { testCallToLlmCall } from '../support/ledger-stores.js';
import { usePostgresDatabase } from '../support/postgres.js';

/**
 * The bounded commit wait: a commit that PostgreSQL holds up (here: another session holds the
 * table's lock, as a long migration or a `LOCK TABLE` would) makes `record()` resolve after
 * `commitWaitMs`, not when the lock goes; the row waits in the retry buffer, and once the lock
 * is released both the held insert and the retry land: one row, not two.
 */
describe('the recorder on PostgreSQL, when a commit is held up', () => {
  const database = usePostgresDatabase();
  let ledger: PostgresLedger;
  let locker: pg.Client;
  beforeAll(async () => {
    ledger = await openPostgresLedger({ url: database.url, poolSize: 4 });
    locker = new pg.Client({ connectionString: database.url });
    await locker.connect();
  });
  afterAll(async () => {
    await locker?.end();
    await ledger?.close();
  });

  it('answers after commitWaitMs, keeps the row for retry, and stores it exactly once', async () => {
    const lines: string[] = [];
    const recorder = new CallRecorder({ ledger, logger: createLogger({ write: (line) => void lines.push(line) }), groupCommit: true,
      commitWaitMs: 150, retryIntervalMs: 100 });
    await locker.query('BEGIN');
    await locker.query('LOCK TABLE llm_calls IN ACCESS EXCLUSIVE MODE');
    const t0 = performance.now();
    await recorder.record(testCallToLlmCall({ id: 'held-1', startedAt: Date.UTC(2026, 10, 1), conversationId: 'c1', costUsd: 0.01 }));
    const waited = performance.now() - t0;
    // It waited for the commit (150 ms), then resolved with the lock still held: the lock is
    // released only below, so a record() that waited for it would never have resolved.
    expect(waited).toBeGreaterThanOrEqual(140);
    expect(recorder.stats()).toMatchObject({ recorded: 0, buffered: 1, failuresByKind: { COMMIT_WAIT_EXCEEDED: 1 } });
    expect(recorder.health()).toBe('degraded');
    await new Promise((resolve) => setTimeout(resolve, 1_000));
    await locker.query('COMMIT');
    // The retry (every 100 ms here) writes it once the lock is gone; the held insert lands too.
    const deadline = Date.now() + 5_000;
    while (recorder.stats().buffered > 0 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 50));
    await recorder.close();
    const { rows } = await ledger.pool.query<{ n: string }>("SELECT COUNT(*) AS n FROM llm_calls WHERE id = 'held-1'");
    expect(Number(rows[0]!.n)).toBe(1);
    expect(recorder.stats()).toMatchObject({ recorded: 1, buffered: 0, dropped: 0 });
    // Logged once (the retries that waited in vain say nothing more), and its recovery once.
    expect(lines.filter((line) => line.includes('ledger write failed'))).toHaveLength(1);
    expect(lines.filter((line) => line.includes('ledger writes recovered'))).toHaveLength(1);
  });
});

import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CallRecorder } from '../../src/ledger/call-recorder.js';
import type { CallLedger } from '../../src/ledger/ledger.js';
import { silentLogger } from '../../src/logging/logger.js';
import { observeRecorder } from '../../src/telemetry/recorder-metrics.js';
import { chatCall } from './calls.js';
import { inMemoryOtel, pointOf, type InMemoryOtel } from './in-memory-otel.js';

/** A ledger whose writes fail with the given SQLite codes, in turn; `null` succeeds. */
function flakyLedger(codes: Array<string | null>): CallLedger {
  let i = 0;
  const fail = async () => {
    const code = codes[i++ % codes.length];
    if (code) throw Object.assign(new Error(code), { code });
  };
  return {
    recordCall: fail,
    repriceCandidates: async () => [],
    updateCosts: async () => 0,
    ping: async () => {},
    close: async () => {},
  };
}

let otel: InMemoryOtel;
beforeEach(() => {
  otel = inMemoryOtel();
});
afterEach(async () => otel.shutdown());

describe('observeRecorder', () => {
  it('reports failed writes by kind, dropped rows and the retry buffer as the recorder counts them', async () => {
    // Buffer of 2, a long retry interval so that no retry runs during the test.
    const recorder = new CallRecorder({ ledger: flakyLedger(['SQLITE_BUSY', 'SQLITE_BUSY', 'SQLITE_FULL', 'SQLITE_BUSY']), logger: silentLogger, bufferLimit: 2, retryIntervalMs: 60_000 });
    observeRecorder(recorder, { meter: otel.meterProvider.getMeter('test') });
    for (let n = 1; n <= 4; n += 1) await recorder.record(chatCall({ id: `call-${n}` }));
    // 4 failed writes (3 BUSY, 1 FULL); the first 2 were buffered, the next 2 dropped.
    expect(recorder.stats()).toMatchObject({ failedWrites: 4, buffered: 2, dropped: 2, failuresByKind: { SQLITE_BUSY: 3, SQLITE_FULL: 1 } });
    const collected = await otel.collect();
    const failed = collected.get('cpr.ledger.writes_failed');
    expect(failed!.descriptor.unit).toBe('{write}');
    expect(pointOf(failed, { 'cpr.failure.kind': 'SQLITE_BUSY' }).value).toBe(3);
    expect(pointOf(failed, { 'cpr.failure.kind': 'SQLITE_FULL' }).value).toBe(1);
    expect(pointOf(collected.get('cpr.ledger.rows_dropped')).value).toBe(2);
    expect(pointOf(collected.get('cpr.ledger.retry_buffer')).value).toBe(2);
    // Stops the retry timer the failures scheduled (its last flush fails too, uncounted).
    await recorder.close();
  });

  it('reads the stats again at each collection: the buffer drains when the ledger recovers', async () => {
    const codes: Array<string | null> = ['SQLITE_READONLY'];
    const recorder = new CallRecorder({ ledger: flakyLedger(codes), logger: silentLogger, retryIntervalMs: 60_000 });
    observeRecorder(recorder, { meter: otel.meterProvider.getMeter('test') });
    await recorder.record(chatCall());
    expect(pointOf((await otel.collect()).get('cpr.ledger.retry_buffer')).value).toBe(1);
    codes[0] = null;
    expect(await recorder.flush()).toBe(0);
    const collected = await otel.collect();
    expect(pointOf(collected.get('cpr.ledger.retry_buffer')).value).toBe(0);
    expect(pointOf(collected.get('cpr.ledger.writes_failed'), { 'cpr.failure.kind': 'SQLITE_READONLY' }).value).toBe(1);
    expect(pointOf(collected.get('cpr.ledger.rows_dropped')).value).toBe(0);
    await recorder.close();
  });
});

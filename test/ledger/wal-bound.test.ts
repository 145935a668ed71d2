import { statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { WAL_SIZE_LIMIT_BYTES } from '../../src/ledger/sqlite/wal-limit.js';
import { eventually, startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { chatCall } from '../telemetry/calls.js';

const walSize = (h: ProxyHarness) => {
  try {
    return statSync(`${h.dbPath}-wal`).size;
  } catch {
    return 0;
  }
};

describe('the WAL stays bounded', () => {
  let h: ProxyHarness;
  beforeAll(async () => {
    h = await startProxyHarness();
  });
  afterAll(() => h.close());

  it('is cut to 4 MiB when it starts over and to 0 bytes once the ledger is idle for a second', async () => {
    expect(h.cpr.ledger.db.pragma('journal_size_limit', { simple: true })).toBe(WAL_SIZE_LIMIT_BYTES);
    // A reader holds its snapshot so that no checkpoint can let the WAL start over: it grows
    // with every commit, as with a long report on another connection.
    const reader = h.cpr.ledger.db.constructor as unknown as new (path: string) => import('better-sqlite3').Database;
    const other = new reader(h.dbPath);
    other.exec('BEGIN');
    other.prepare('SELECT COUNT(*) FROM llm_calls').get();
    for (let batch = 0; batch < 40; batch += 1) {
      h.cpr.ledger.recordCallsSync(Array.from({ length: 1_000 }, (_, i) => chatCall({ id: `call-${batch}-${i}` })));
    }
    const grown = walSize(h);
    expect(grown).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES); // 40,000 rows and their index entries
    other.exec('COMMIT');
    // Before: the WAL kept its largest size for good (13.4 MB for a 1.3 MB database).
    await eventually(() => walSize(h) === 0, 5000);
    expect(h.cpr.ledger.db.prepare('SELECT COUNT(*) FROM llm_calls').pluck().get()).toBe(40_000);

    // Grown again past the limit, then written to without a pause (so never idle): once a
    // checkpoint has copied it, the next commit starts it over and cuts it to the limit.
    other.exec('BEGIN');
    other.prepare('SELECT COUNT(*) FROM llm_calls').get();
    for (let batch = 0; batch < 40; batch += 1) {
      h.cpr.ledger.recordCallsSync(Array.from({ length: 1_000 }, (_, i) => chatCall({ id: `again-${batch}-${i}` })));
    }
    expect(walSize(h)).toBeGreaterThan(WAL_SIZE_LIMIT_BYTES);
    other.exec('COMMIT');
    let n = 0;
    await eventually(() => {
      h.cpr.ledger.recordCallsSync([chatCall({ id: `after-${(n += 1)}` })]);
      return walSize(h) <= WAL_SIZE_LIMIT_BYTES;
    }, 5000);
    expect(walSize(h)).toBeGreaterThan(0);
    other.close();
  });
});

import { statSync } from 'node:fs';
import { afterEach, describe, expect, it } from 'vitest';
import { startBackgroundCheckpoints } from '../../src/ledger/sqlite/background-checkpoints.js';
import { openSqliteLedger, type SqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import { silentLogger } from '../../src/logging/logger.js';
import { tempDir } from '../support/temp-dir.js';

let dir: ReturnType<typeof tempDir>;
let ledger: SqliteLedger;
afterEach(async () => {
  await ledger.close();
  dir.remove();
});

describe('background WAL checkpoints', () => {
  it('copy the WAL into the database from a worker while the writer no longer checkpoints, and give it back on stop', async () => {
    dir = tempDir();
    const path = dir.file('ledger.db');
    ledger = openSqliteLedger({ path });
    const checkpoints = startBackgroundCheckpoints({ db: ledger.db, path, logger: silentLogger, intervalMs: 20, backstopPages: 50_000 });
    expect(ledger.db.pragma('wal_autocheckpoint', { simple: true })).toBe(50_000);
    ledger.db.exec('CREATE TABLE filler (x BLOB)');
    const insert = ledger.db.prepare('INSERT INTO filler VALUES (randomblob(4000))');
    // 2,000 pages of data: the writer alone would not checkpoint them (50,000-page backstop).
    for (let i = 0; i < 2_000; i += 1) insert.run();
    const deadline = Date.now() + 10_000;
    while (statSync(path).size < 2_000 * 4_000 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    expect(statSync(path).size).toBeGreaterThan(2_000 * 4_000);
    await checkpoints.stop();
    expect(ledger.db.pragma('wal_autocheckpoint', { simple: true })).toBe(1_000);
  });
});

import BetterSqlite3 from 'better-sqlite3';
import { existsSync, statSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { backupLedger } from '../../src/ledger/sqlite/backup.js';
import { migrations } from '../../src/ledger/sqlite/migrations/index.js';
import { startProxyHarness, type ProxyHarness } from '../support/proxy-harness.js';
import { tempDir } from '../support/temp-dir.js';
import { runCommand } from './cli-process.js';

let dir: ReturnType<typeof tempDir>;
let h: ProxyHarness;
beforeAll(async () => {
  dir = tempDir('cpr-backup-');
  h = await startProxyHarness();
});
afterAll(async () => {
  await h.close();
  dir.remove();
});

/** Calls through the proxy from 4 clients until `stop()`; counts failures. */
function writeContinuously() {
  let stopped = false;
  let calls = 0;
  const failures: string[] = [];
  const workers = Array.from({ length: 4 }, async (_, w) => {
    for (let n = 0; !stopped; n += 1) {
      try {
        await h.client.chat.completions.create(
          { model: 'gpt-4o-mini', messages: [{ role: 'user', content: `backup ${w}-${n}` }] },
          { headers: { 'x-cpr-conversation-id': `b-${w}-${n}` } },
        );
        calls += 1;
      } catch (error) {
        failures.push(String(error));
      }
    }
  });
  return {
    failures,
    calls: () => calls,
    async stop() {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

describe('cpr-meter backup FILE', () => {
  it('copies the live ledger while the proxy writes: one consistent snapshot, checked, in a self-contained file', async () => {
    const copyPath = dir.file('copy.db');
    const load = writeContinuously();
    while (load.calls() < 50) await new Promise((resolve) => setTimeout(resolve, 10));
    const rowsBefore = h.rows().length;
    const result = await runCommand(['backup', copyPath, '--db', h.dbPath]);
    const rowsAfter = h.rows().length;
    await load.stop();

    expect(result).toMatchObject({ code: 0, stderr: '' });
    expect(result.stdout).toMatch(/^backed up .* to .*copy\.db: \d+ LLM calls, \d+ events, \d+ bytes, integrity ok\n$/);
    expect(load.failures).toEqual([]);
    expect(rowsAfter).toBeGreaterThan(rowsBefore); // the proxy did write during the backup

    const copy = new BetterSqlite3(copyPath, { readonly: true });
    try {
      expect(copy.pragma('integrity_check', { simple: true })).toBe('ok');
      expect(copy.pragma('journal_mode', { simple: true })).toBe('delete');
      const rowids = copy.prepare('SELECT rowid FROM llm_calls ORDER BY rowid').pluck().all() as number[];
      // A snapshot of a table filled in commit order: the first N rows, no gap, no torn row.
      expect(rowids.length).toBeGreaterThanOrEqual(rowsBefore);
      expect(rowids.length).toBeLessThanOrEqual(rowsAfter);
      expect(rowids).toEqual(Array.from({ length: rowids.length }, (_, i) => i + 1));
      const live = h.cpr.ledger.db.prepare('SELECT * FROM llm_calls WHERE rowid <= ? ORDER BY rowid').all(rowids.length);
      expect(copy.prepare('SELECT * FROM llm_calls ORDER BY rowid').all()).toEqual(live);
      expect(copy.prepare('SELECT name FROM schema_migrations ORDER BY name').pluck().all()).toEqual(migrations.map((m) => m.name).sort());
      expect(result.stdout).toContain(`: ${rowids.length} LLM calls`);
    } finally {
      copy.close();
    }
    expect(existsSync(`${copyPath}-wal`)).toBe(false);
  }, 60_000);

  it('never overwrites an existing file', async () => {
    const copyPath = dir.file('twice.db');
    expect((await runCommand(['backup', copyPath, '--db', h.dbPath])).code).toBe(0);
    const size = statSync(copyPath).size;
    const second = await runCommand(['backup', copyPath, '--db', h.dbPath]);
    expect(second.code).toBe(1);
    expect(second.stderr).toBe(`cpr-meter: ${copyPath} already exists: a backup never overwrites; choose a new file name.\n`);
    expect(statSync(copyPath).size).toBe(size);
  }, 60_000);

  it('says so when there is no ledger to copy, and leaves no file behind', async () => {
    const copyPath = dir.file('nothing.db');
    await expect(backupLedger({ source: dir.file('missing.db'), destination: copyPath }))
      .rejects.toThrow(`Cannot open the ledger at ${dir.file('missing.db')}`);
    expect(existsSync(copyPath)).toBe(false);
  });
});

import { spawn } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runCommand } from './cli-process.js';
import { tempDir } from '../support/temp-dir.js';

const root = fileURLToPath(new URL('../..', import.meta.url));
const TOTAL = 10_000;

/** Starts `cpr-meter ingest`, kills it (SIGKILL) right after it prints its first commit, and returns what it printed. */
function ingestKilledAfterFirstCommit(file: string, db: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'ingest', file, '--db', db], { cwd: root, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    child.stdout.on('data', (chunk: Buffer) => {
      stdout += chunk.toString();
      if (stdout.includes('committed')) child.kill('SIGKILL');
    });
    child.on('error', reject);
    child.on('close', () => resolve(stdout));
  });
}

describe('an ingest killed after a commit', () => {
  let dir: ReturnType<typeof tempDir>;
  beforeAll(() => {
    dir = tempDir('cpr-ingest-kill-');
  });
  afterAll(() => dir.remove());

  it('has printed what it committed, and running it again completes the file without doubling anything', async () => {
    const file = dir.file('events.jsonl');
    const db = dir.file('cpr.db');
    // No eventId on any line: ids come from the file's digest and the line number.
    writeFileSync(file, Array.from({ length: TOTAL }, (_, i) => JSON.stringify({ type: 'human.work', ticketId: `T-${i}`, seconds: 60 })).join('\n'));

    const printed = await ingestKilledAfterFirstCommit(file, db);
    // The first transaction holds 200 events (then sized to about 40 ms each).
    const first = /committed (\d+) of 10000 events so far \(accepted (\d+), duplicates 0\)/.exec(printed);
    expect(first?.[1]).toBe('200');
    const lastPrinted = Number([...printed.matchAll(/committed (\d+) of/g)].at(-1)![1]);
    const conn = new BetterSqlite3(db, { readonly: true });
    const committed = conn.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;
    conn.close();
    // Before: one transaction, and nothing printed until it ended. Now the count printed was
    // committed (the kill may fall after a further commit, before its line).
    expect(committed).toBeGreaterThanOrEqual(lastPrinted);
    expect(committed).toBeLessThan(TOTAL);

    const rerun = await runCommand(['ingest', file, '--db', db]);
    expect(rerun.code).toBe(0);
    expect(rerun.stdout.trim().split('\n').at(-1)).toBe(`accepted ${TOTAL - committed}, duplicates ${committed}, conflicts 0`);
    const after = new BetterSqlite3(db, { readonly: true });
    // One human.work row per line: 10,000 tickets, 60 s each.
    expect(after.prepare('SELECT COUNT(*), COUNT(DISTINCT ticket_id), SUM(seconds) FROM human_work').raw().get()).toEqual([TOTAL, TOTAL, TOTAL * 60]);
    expect(after.prepare("SELECT COUNT(*) FROM events WHERE event_id LIKE 'ingest:%:%'").pluck().get()).toBe(TOTAL);
    after.close();
  });
});

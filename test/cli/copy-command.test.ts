import { spawn } from 'node:child_process';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigrated, insertCalls } from '../support/open-test-db.js';
import { createTestDatabase, postgresServerUrl, type TestDatabase } from '../support/postgres.js';
import { tempDir } from '../support/temp-dir.js';
import { insertEvents } from '../../src/ledger/sqlite/ticket-store.js';
import { writeSetting } from '../../src/ledger/sqlite/settings-store.js';
import { validateEvents } from '../../src/tickets/validate-events.js';
import { at, loadScenario, WINDOW_ISO } from '../reports/cpr-scenario-fixture.js';
import { runCommand } from '../reliability/cli-process.js';

/*
 * `cpr-meter copy --from FILE --to URL`, run as a user runs it (its own process), into a real
 * PostgreSQL: the hand-computed scenario copied gives the same report, figure by figure; a second
 * run copies nothing; a copy killed (kill -9) in the middle and run again ends with every row
 * once.
 */
const dir = tempDir('cpr-copy-');
const scenario = dir.file('scenario.db');
const big = dir.file('big.db');
let scenarioDb: TestDatabase;
let bigDb: TestDatabase;

/** Calls and events of the larger ledger killed mid-copy. */
const BIG = { calls: 40_000, tickets: 2_000 };

beforeAll(async () => {
  const db = openMigrated(scenario);
  loadScenario(db);
  // A setting, a helpdesk stage move, and an event stored without an eventId, so that each part has rows.
  writeSetting(db, { name: 'human-baseline-cpr', effectiveFrom: null, value: 12, setAt: at(1) });
  db.prepare('INSERT INTO helpdesk_stage_moves (helpdesk, move_key, ticket_id, at, stage_id) VALUES (?, ?, ?, ?, ?)')
    .run('hubspot', '1:2:3:1727740800000', 'T4', at(2), 'closed');
  const extra = validateEvents([{ type: 'human.work', ticketId: 'T5', seconds: 360, at: '2026-10-05T10:00:00Z' }], { now: () => at(31) });
  if (!extra.ok) throw new Error(extra.error.message);
  insertEvents(db, extra.events.map((e) => ({ ...e, eventId: null })));
  db.close();

  const large = openMigrated(big);
  const events = validateEvents(Array.from({ length: BIG.tickets }, (_, t) => [
    { type: 'ticket.opened', eventId: `o-${t}`, ticketId: `B-${t}`, category: t % 2 ? 'billing' : 'shipping', at: '2026-10-02T00:00:00Z' },
    { type: 'conversation.linked', eventId: `l-${t}`, conversationId: `c-${t}`, ticketId: `B-${t}`, at: '2026-10-02T00:00:01Z' },
  ]).flat(), { now: () => at(31) });
  if (!events.ok) throw new Error(events.error.message);
  insertEvents(large, events.events);
  insertCalls(large, Array.from({ length: BIG.calls }, (_, n) => ({
    id: `call-${String(n).padStart(6, '0')}`, startedAt: at(3) + n * 1000, conversationId: `c-${n % BIG.tickets}`, costUsd: 0.001,
    usage: { inputTokens: 100, outputTokens: 20 },
  })));
  large.close();
  [scenarioDb, bigDb] = await Promise.all([createTestDatabase(postgresServerUrl()), createTestDatabase(postgresServerUrl())]);
}, 60_000);
afterAll(async () => {
  await scenarioDb?.drop();
  await bigDb?.drop();
  dir.remove();
});

/** The test server's password (none when CPR_TEST_POSTGRES_URL gives a URL without one). */
const PASSWORD = new URL(postgresServerUrl()).password;

async function count(url: string, table: string): Promise<number> {
  const client = new pg.Client({ connectionString: url });
  await client.connect();
  try {
    // The table name is one of this file's constants.
    return Number((await client.query(`SELECT COUNT(*) AS n FROM ${table}`)).rows[0].n);
  } finally {
    await client.end();
  }
}

describe('cpr-meter copy', () => {
  it('copies the hand-computed scenario into PostgreSQL, whose report is the SQLite report, figure by figure', async () => {
    const copy = await runCommand(['copy', '--from', scenario, '--to', scenarioDb.url]);
    expect(copy.stderr).toBe('');
    expect(copy.code).toBe(0);
    // The scenario: 1 setting, 1 stage move, its events (+1 without an id), its calls; nothing was there.
    expect(copy.stdout).toMatch(/settings\s+1 copied,\s+0 skipped/);
    expect(copy.stdout).toMatch(/stage moves\s+1 copied,\s+0 skipped/);
    expect(copy.stdout).toMatch(/events\s+\d+ copied,\s+0 skipped/);
    expect(copy.stdout).toMatch(/calls\s+\d+ copied,\s+0 skipped/);
    // Not a terminal: progress lines (at most one a second, and the last), no bar.
    expect(copy.stdout).toMatch(/^copy: [\d,]+ of [\d,]+ rows \(\w[\w ]*: [\d,]+ copied, [\d,]+ skipped\)$/m);
    expect(copy.stdout).not.toContain('\u001b[');
    if (PASSWORD !== '') {
      expect(copy.stdout).not.toContain(PASSWORD);
      expect(copy.stdout).toContain(':***@');
    }

    const window = ['--from', WINDOW_ISO.from, '--to', WINDOW_ISO.to, '--format', 'json'];
    const fromSqlite = await runCommand(['report', '--db', scenario, ...window]);
    const fromPostgres = await runCommand(['report', '--db', scenarioDb.url, ...window]);
    expect(fromPostgres.stderr).toBe('');
    expect(JSON.parse(fromPostgres.stdout)).toEqual(JSON.parse(fromSqlite.stdout));
    // By hand: human work 1800 s + 3600 s + 900 s + 1350 s at 40/h = 20 + 40 + 10 + 15, plus T4's
    // explicit 7.50, plus the event without an id: 360 s on T5 = 4.00 -> 96.50.
    expect(JSON.parse(fromPostgres.stdout).totals.humanCostUsd).toBeCloseTo(96.5, 9);

    // Run again: nothing to copy, every row skipped as already there.
    const again = await runCommand(['copy', '--from', scenario, '--to', scenarioDb.url]);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/: 0 rows copied, \d+ skipped as already there/);
    const ticketsAgain = await runCommand(['tickets', '--db', scenarioDb.url, ...window]);
    const ticketsSqlite = await runCommand(['tickets', '--db', scenario, ...window]);
    expect(JSON.parse(ticketsAgain.stdout)).toEqual(JSON.parse(ticketsSqlite.stdout));
  }, 60_000);

  it('finishes a copy killed with kill -9 when run again, without doubling a row', async () => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'src/cli/main.ts', 'copy', '--from', big, '--to', bigDb.url, '--batch-size', '100'],
      { stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout.resume();
    child.stderr.resume();
    const exited = new Promise<NodeJS.Signals | null>((resolve) => child.on('exit', (_code, signal) => resolve(signal)));
    // Kill it once the first calls are in PostgreSQL (the events came first, all of them).
    for (let copied = 0; copied === 0;) {
      await new Promise((resolve) => setTimeout(resolve, 20));
      copied = await count(bigDb.url, 'llm_calls').catch(() => 0);
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    const atKill = await count(bigDb.url, 'llm_calls');
    expect(atKill).toBeGreaterThan(0);
    expect(atKill).toBeLessThan(BIG.calls); // it was killed in the middle

    const rerun = await runCommand(['copy', '--from', big, '--to', bigDb.url, '--batch-size', '100']);
    expect(rerun.code).toBe(0);
    // It resumed after what the killed run had committed: those rows skipped, the rest copied, once.
    const calls = /calls\s+([\d,]+) copied,\s+([\d,]+) skipped/.exec(rerun.stdout)!;
    const [copied, skipped] = [Number(calls[1]!.replace(/,/g, '')), Number(calls[2]!.replace(/,/g, ''))];
    expect(copied + skipped).toBe(BIG.calls);
    expect(skipped).toBe(atKill);
    expect(rerun.stdout).toMatch(new RegExp(`events\\s+0 copied,\\s+${(2 * BIG.tickets).toLocaleString('en-US')} skipped`));
    expect(await count(bigDb.url, 'llm_calls')).toBe(BIG.calls);
    expect(await count(bigDb.url, 'events')).toBe(2 * BIG.tickets);

    // The same report from both: 40,000 calls at 0.001 = 40.00 USD.
    const window = ['--from', '2026-10-01', '--to', '2026-11-01', '--format', 'json'];
    const fromPostgres = JSON.parse((await runCommand(['report', '--db', bigDb.url, ...window])).stdout);
    expect(fromPostgres).toEqual(JSON.parse((await runCommand(['report', '--db', big, ...window])).stdout));
    expect(fromPostgres.totals.llmCalls).toBe(BIG.calls);
    expect(fromPostgres.totals.llmCostUsd).toBeCloseTo(40, 9);
  }, 90_000);
});

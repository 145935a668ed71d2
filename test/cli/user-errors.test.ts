import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { openMigrated } from '../support/open-test-db.js';
import { tempDir } from '../support/temp-dir.js';
import { runCommand, type CommandResult } from '../reliability/cli-process.js';

// Every user error of every command, run as a user runs it (its own process): exit code 1,
// nothing on stdout, and ONE line on stderr that says what is wrong, never a stack.
const dir = tempDir('cpr-user-errors-');
const ledger = dir.file('ledger.db');
const missing = dir.file('ledgr.db');
const events = dir.file('events.jsonl');
const badJson = dir.file('prices-bad.json');
const appDb = dir.file('app.db');
const appTables = () => {
  const db = new BetterSqlite3(appDb, { readonly: true });
  try {
    return db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all();
  } finally {
    db.close();
  }
};
beforeAll(() => {
  // Another application's database, given by mistake: its tables and nothing of cpr-meter's.
  const app = new BetterSqlite3(appDb);
  app.exec('CREATE TABLE users (id INTEGER PRIMARY KEY); CREATE TABLE orders (id INTEGER PRIMARY KEY)');
  app.close();
  openMigrated(ledger).close();
  writeFileSync(events, `${JSON.stringify({ type: 'ticket.opened', ticketId: 'T-1' })}\n`);
  writeFileSync(badJson, '{"models": {"acme": {"input": 1,,}}}');
  mkdirSync(dir.file('a-directory'));
});
afterAll(() => dir.remove());

function expectOneLine(result: CommandResult, pattern: RegExp): void {
  expect(result.stderr).not.toMatch(/\n\s+at /); // no stack frame
  expect(result.stderr).toMatch(/^cpr-meter: [^\n]+\n$/);
  expect(result.stderr).toMatch(pattern);
  expect(result.stdout).toBe('');
  expect(result.code).toBe(1);
}

const cases: Array<[string, string[], RegExp]> = [
  // Commander's own errors: one line, and where to read the options (was: the message, then the whole help).
  ['an unknown command', ['reprot'], /unknown command 'reprot' \(did you mean report\?\)\. See 'cpr-meter --help'\.$/m],
  ['an unknown option', ['report', '--frm', '2026-10-01'], /unknown option '--frm' \(did you mean --from\?\)\. See 'cpr-meter report --help'\.$/m],
  ['a missing argument', ['ingest'], /missing required argument 'file'\. See 'cpr-meter ingest --help'\./],
  ['a missing required option', ['prune', '--db', ledger], /required option '--older-than-days <n>' not specified\. See 'cpr-meter prune --help'\./],
  ['an extra argument', ['report', ledger], /too many arguments for 'report'/],
  // report
  ['report on a ledger that does not exist', ['report', '--db', missing], /^cpr-meter: No ledger at .*ledgr\.db: the file does not exist\. Check --db \(or CPR_DB\)/],
  ['report on a directory', ['report', '--db', dir.file('a-directory')], /a-directory is not a ledger file/],
  ['report on a text file', ['report', '--db', events], /events\.jsonl is not a SQLite database, so not a cpr-meter ledger\. Check --db \(or CPR_DB\)\.$/m],
  ['report on another application\'s database', ['report', '--db', appDb], /app\.db is a SQLite database but not a cpr-meter ledger \(it holds orders, users\); nothing was written to it\./],
  ['report with an invalid date', ['report', '--db', ledger, '--from', 'yesterday'], /Invalid --from: expected a date/],
  ['report in an unknown format', ['report', '--db', ledger, '--format', 'pdf'], /--format must be one of table, json, csv, html; got "pdf"/],
  ['report to a directory that does not exist', ['report', '--db', ledger, '--out', dir.file('no/such/dir/report.html')], /Cannot write --out .*report\.html: its directory does not exist\./],
  ['report grouped by an unknown key', ['report', '--db', ledger, '--group-by', 'agent'], /Invalid --group-by: expected one of category, channel, customer, day, week, month/],
  ['report with a bad hourly rate', ['report', '--db', ledger, '--human-hourly-rate', 'forty'], /Invalid "--human-hourly-rate": expected USD per hour/],
  // ingest (was: a raw ENOENT stack)
  ['ingest of a file that does not exist', ['ingest', dir.file('nothere.jsonl'), '--db', ledger], /^cpr-meter: Cannot read .*nothere\.jsonl: no such file\.$/m],
  ['ingest of a directory', ['ingest', dir.file('a-directory'), '--db', ledger], /Cannot read .*a-directory: it is not a file\./],
  ['ingest into another application\'s database', ['ingest', events, '--db', appDb], /app\.db is a SQLite database but not a cpr-meter ledger/],
  ['ingest of malformed JSON', ['ingest', badJson, '--db', ledger], /prices-bad\.json line 1: malformed JSON at column \d+\./],
  // reprice
  ['reprice on a ledger that does not exist', ['reprice', '--db', missing], /No ledger at .*ledgr\.db/],
  ['reprice with a price file that does not exist', ['reprice', '--db', ledger, '--prices', dir.file('prices.json')], /Cannot read the price file .*prices\.json \(--prices \/ CPR_PRICES\)/],
  ['reprice with a price file that is not JSON', ['reprice', '--db', ledger, '--prices', badJson], /The price file .*prices-bad\.json is not valid JSON/],
  ['reprice with an invalid date', ['reprice', '--db', ledger, '--to', '2026-10'], /Invalid "to": expected a date/],
  // prune
  ['prune on a ledger that does not exist', ['prune', '--older-than-days', '90', '--db', missing], /No ledger at .*ledgr\.db/],
  ['prune with a bad number of days', ['prune', '--older-than-days', 'ninety', '--db', ledger], /--older-than-days must be an integer >= 1; got "ninety"/],
  // backup
  ['backup of a ledger that does not exist', ['backup', dir.file('copy.db'), '--db', missing], /No ledger at .*ledgr\.db/],
  ['backup onto an existing file', ['backup', events, '--db', ledger], /events\.jsonl already exists: a backup never overwrites/],
  // serve (options are checked before anything is opened)
  ['serve on a port that is not a number', ['serve', '--port', 'http', '--db', dir.file('serve.db')], /--port \(CPR_PORT\) must be an integer/],
  ['serve with a price file that does not exist', ['serve', '--port', '0', '--db', dir.file('serve.db'), '--prices', dir.file('prices.json')], /Cannot read the price file .*prices\.json \(--prices \/ CPR_PRICES\)/],
  ['serve on an address that is not this machine\'s', ['serve', '--port', '0', '--db', dir.file('serve.db'), '--host', '192.0.2.1', '--admin-token', 'a-token'],
    /^cpr-meter: Cannot listen on 192\.0\.2\.1: it is not an address of this machine\. Set --host or CPR_HOST/],
  ['serve on another application\'s database', ['serve', '--port', '0', '--db', appDb], /app\.db is a SQLite database but not a cpr-meter ledger/],
  ['serve with a misspelt option', ['serve', '--upstrem', 'http://127.0.0.1:9/v1'], /unknown option '--upstrem' \(did you mean --upstream\?\)\. See 'cpr-meter serve --help'\./],
  // tickets and ticket
  ['tickets on a ledger that does not exist', ['tickets', '--db', missing], /^cpr-meter: No ledger at .*ledgr\.db: the file does not exist\./],
  ['tickets with an invalid date', ['tickets', '--db', ledger, '--to', '2026-02-30'], /Invalid --to: "2026-02-30"/],
  ['tickets sorted by an unknown key', ['tickets', '--db', ledger, '--sort', 'size'], /--sort must be one of cost, time; got "size"/],
  ['tickets with a bad page size', ['tickets', '--db', ledger, '--limit', '0'], /--limit must be a whole number from 1 to 200; got "0"/],
  ['tickets with a bad hourly rate', ['tickets', '--db', ledger, '--human-hourly-rate', '-5'], /Invalid "--human-hourly-rate": expected USD per hour/],
  ['ticket without an id', ['ticket', '--db', ledger], /missing required argument 'id'\. See 'cpr-meter ticket --help'\./],
  ['ticket the ledger does not know', ['ticket', 'T-404', '--db', ledger], /^cpr-meter: No ticket "T-404" in the ledger before /],
];

describe('user errors in the CLI: one line, no stack, exit code 1', () => {
  it.each(cases)('%s', async (_name, args, pattern) => {
    expectOneLine(await runCommand(args), pattern);
  }, 30_000);

  it('writes nothing into another application\'s database it refused (before, report, serve and ingest added their tables to it)', async () => {
    for (const args of [['report', '--db', appDb], ['prune', '--older-than-days', '1', '--db', appDb], ['ingest', events, '--db', appDb]]) {
      expect((await runCommand(args)).code).toBe(1);
    }
    expect(appTables()).toEqual(['orders', 'users']);
  }, 60_000);

  it('creates no file when it refuses a ledger path (report used to create an empty ledger and print zeros)', async () => {
    const path = dir.file('typo/ledgr.db');
    expectOneLine(await runCommand(['report', '--db', path]), /No ledger at .*typo\/ledgr\.db/);
    expect(existsSync(path)).toBe(false);
    expect(existsSync(dir.file('typo'))).toBe(false); // not even its directory
  }, 30_000);

  it('reads the ledger path from CPR_DB and names it when it is missing', async () => {
    expectOneLine(await runCommand(['report'], { env: { CPR_DB: missing } }), /No ledger at .*ledgr\.db/);
  }, 30_000);
});

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { SCENARIO_EVENTS } from '../reports/cpr-scenario-fixture.js';
import { runCli } from './report-cli-harness.js';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cpr-ingest-'));
  db = join(dir, 'cpr.db');
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const file = (name: string, lines: string[]): string => {
  const path = join(dir, name);
  writeFileSync(path, lines.join('\n'));
  return path;
};
const eventCount = (): number => {
  const conn = new BetterSqlite3(db, { readonly: true });
  try {
    return conn.prepare('SELECT COUNT(*) FROM events').pluck().get() as number;
  } finally {
    conn.close();
  }
};

describe('cpr-meter ingest', () => {
  it('imports a JSON Lines file, skipping blank lines, and counts duplicates on a second run', async () => {
    const path = file('events.jsonl', ['', ...SCENARIO_EVENTS.map((e) => JSON.stringify(e)), '   ', '']);
    const first = await runCli(['ingest', path, '--db', db]);
    expect(first.error).toBeNull();
    expect(first.stdout).toBe(`accepted ${SCENARIO_EVENTS.length}, duplicates 0, conflicts 0\n`);
    expect(first.stderr).toBe(`cpr-meter: created a new ledger at ${db}\n`); // not a terminal: no progress bar
    const second = await runCli(['ingest', path], { env: { CPR_DB: db } });
    expect(second.stdout).toBe(`accepted 0, duplicates ${SCENARIO_EVENTS.length}, conflicts 0\n`);
  });

  it('reports a bad line by its number and field, and stores nothing of the file', async () => {
    const path = file('bad.jsonl', [
      JSON.stringify({ type: 'ticket.opened', ticketId: 'T1' }),
      '',
      JSON.stringify({ type: 'human.work', ticketId: 'T1', seconds: -60 }),
      JSON.stringify({ type: 'ticket.opened', ticketId: 'T2' }),
    ]);
    const { error, stdout } = await runCli(['ingest', path, '--db', db]);
    expect(error?.message).toBe(`${path} line 3: Invalid event (human.work): "seconds" must be >= 0.`);
    expect(error?.field).toBe('seconds');
    expect(error?.index).toBe(3);
    expect(stdout).toBe('');
    expect(() => eventCount()).toThrow(); // the database was never even opened
  });

  it('reports malformed JSON by line and column', async () => {
    const path = file('broken.jsonl', [JSON.stringify({ type: 'ticket.opened', ticketId: 'T1' }), '{"type": "ticket.opened",,}']);
    const { error } = await runCli(['ingest', path, '--db', db]);
    expect(error?.message).toBe(`${path} line 2: malformed JSON at column 26.`);
  });

  it('reads a file that starts with a byte-order mark (Excel, PowerShell), as the same events', async () => {
    const path = file('bom.jsonl', SCENARIO_EVENTS.map((e) => JSON.stringify(e)));
    writeFileSync(path, `\uFEFF${SCENARIO_EVENTS.map((e) => JSON.stringify(e)).join('\r\n')}\r\n`);
    const { error, stdout } = await runCli(['ingest', path, '--db', db]);
    expect(error).toBeNull(); // before: "line 1: malformed JSON at column 1"
    expect(stdout).toBe(`accepted ${SCENARIO_EVENTS.length}, duplicates 0, conflicts 0\n`);
    expect(eventCount()).toBe(SCENARIO_EVENTS.length);
  });

  it('shows a progress bar on a terminal', async () => {
    const path = file('events.jsonl', SCENARIO_EVENTS.map((e) => JSON.stringify(e)));
    const { stderr, stdout } = await runCli(['ingest', path, '--db', db], { tty: true });
    expect(stdout).toContain('accepted');
    expect(stderr).toContain('ingest [');
  });
});

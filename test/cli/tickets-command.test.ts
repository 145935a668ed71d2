import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerTicketsCommands } from '../../src/cli/tickets-command.js';
import { openSqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import type { TicketPage, TicketTimeline } from '../../src/ledger/ticket-explorer.js';
import { at, loadScenario } from '../reports/cpr-scenario-fixture.js';
import { openMigrated } from '../support/open-test-db.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * `cpr-meter tickets` and `cpr-meter ticket ID` on the hand-computed scenario (loaded costs as in
 * test/dashboard/dashboard-api.test.ts: T3 62.53, T9 57.63, T5 51, T4 50.23, ...).
 */
let dir: ReturnType<typeof tempDir>;
beforeEach(() => {
  dir = tempDir();
  const db = openMigrated(dir.file('cpr.db'));
  loadScenario(db);
  db.close();
});
afterEach(() => dir.remove());

async function run(args: string[]) {
  let stdout = '';
  const program = new Command().name('cpr-meter').exitOverride().configureOutput({ writeOut: (s) => { stdout += s; }, writeErr: () => {} });
  registerTicketsCommands(program, { openLedger: async (path) => openSqliteLedger({ path }), env: {}, now: () => at(31, 23),
    stdout: { write: (s: string) => { stdout += s; } } });
  let error: Error | null = null;
  try {
    await program.parseAsync(['node', 'cpr-meter', ...args, '--db', dir.file('cpr.db'), '--from', '2026-10-01', '--to', '2026-11-01']);
  } catch (e) {
    error = e as Error;
  }
  return { stdout, error };
}

describe('cpr-meter tickets', () => {
  it('prints the costliest tickets first, a page at a time', async () => {
    const { stdout, error } = await run(['tickets', '--limit', '3']);
    expect(error).toBeNull();
    expect(stdout).toContain('1-3 of 11, by loaded cost, highest first');
    const rows = stdout.split('\n').filter((line) => /^(T|C)\d/.test(line));
    expect(rows.map((line) => line.split(/\s+/)[0])).toEqual(['T3', 'T9', 'T5']);
    expect(rows[0]).toMatch(/\$62\.53$/);
    expect(stdout).toContain('Next page: --offset 3');
  });

  it('filters by path and answers JSON, the API\'s shape', async () => {
    const { stdout } = await run(['tickets', '--path', 'escalated', '--format', 'json']);
    const page = JSON.parse(stdout) as TicketPage;
    expect(page.tickets.map((t) => [t.ticketId, t.loadedCostUsd])).toEqual([['T3', 62.53], ['T9', 57.63], ['T4', 50.23]]);
  });

  it('refuses a bad option with one clear message', async () => {
    const { error } = await run(['tickets', '--sort', 'size']);
    expect(error?.message).toBe('--sort must be one of cost, time; got "size".');
  });
});

describe('cpr-meter ticket ID', () => {
  it('prints the timeline and the loaded cost split', async () => {
    const { stdout } = await run(['ticket', 'T9']);
    // .50 + 15 + .13 + 42 = 57.63
    expect(stdout).toContain('Loaded cost $57.63 = LLM $0.50 + human work $15.00 + share of unattributed LLM spend $0.13 + share of fixed costs $42.00');
    expect(stdout).toMatch(/2026-10-15 15:00 {2}human-work {2}C9 +1,350 s +\$15\.00/);
    const json = JSON.parse((await run(['ticket', 'T9', '--format', 'json'])).stdout) as TicketTimeline;
    expect(json.entries).toHaveLength(8);
  });

  it('says so for an unknown ticket', async () => {
    const { error } = await run(['ticket', 'nope']);
    expect(error?.name).toBe('TicketNotFoundError');
    expect(error?.message).toBe('No ticket "nope" in the ledger before 2026-11-01T00:00:00.000Z.');
  });
});

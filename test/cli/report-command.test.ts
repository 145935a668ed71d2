import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Report } from '../../src/reports/types.js';
import { openMigrated } from '../support/open-test-db.js';
import { WINDOW_ISO, at, loadScenario } from '../reports/cpr-scenario-fixture.js';
import { runCli } from './report-cli-harness.js';

let dir: string;
let db: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'cpr-cli-'));
  db = join(dir, 'cpr.db');
  const conn = openMigrated(db);
  loadScenario(conn);
  conn.close();
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const window = ['--from', WINDOW_ISO.from, '--to', WINDOW_ISO.to];

describe('cpr-meter report', () => {
  it('prints the hand-computed scenario as JSON', async () => {
    const { stdout, error } = await runCli(['report', '--db', db, ...window, '--format', 'json', '--group-by', 'category']);
    expect(error).toBeNull();
    const report = JSON.parse(stdout) as Report;
    expect(report.totals).toMatchObject({ tickets: 11, resolved: 8, totalCostUsd: 461.17, costPerResolutionUsd: 57.64625,
      naiveAiCostPerResolutionUsd: 0.4, fcrRate: 0.75, reopenRate: 0.25, unpricedLlmCalls: 1 });
    expect(report.groups.map((g) => g.key)).toEqual(['billing', 'returns', 'shipping', '(none)']);
  });

  it('prints a table by default, with the warning line', async () => {
    const { stdout, error } = await runCli(['report', '--db', db, ...window]);
    expect(error).toBeNull();
    expect(stdout).toMatch(/Cost per resolution\s+\$55\.60\s+\$72\.00\s+\$57\.65/);
    expect(stdout).toContain('WARNING: 1 LLM call has no known price');
  });

  it('writes CSV and HTML to --out', async () => {
    const csvFile = join(dir, 'r.csv');
    const htmlFile = join(dir, 'r.html');
    expect((await runCli(['report', '--db', db, ...window, '--format', 'csv', '--out', csvFile])).error).toBeNull();
    const run = await runCli(['report', '--db', db, ...window, '--format', 'html', '--out', htmlFile, '--group-by', 'week']);
    expect(run.stderr).toContain(`Wrote the html report to ${htmlFile}`);
    expect(readFileSync(csvFile, 'utf8')).toContain('\r\ntotals,11,8,3,9,6,3,2,4,3,1,10,15,1,1,');
    expect(readFileSync(htmlFile, 'utf8')).toMatch(/<h2>By week<\/h2>.*2026-W40/s);
  });

  it('prices human work at the ledger\'s rate, or at --human-hourly-rate for one report, and says which', async () => {
    // Human work without an amount: T3 1800 s + T5 3600 s + T6 900 s + T9 1350 s = 7650 s = 2.125 h; T4 7.50 is explicit.
    const json = async (args: string[], env = {}) => JSON.parse((await runCli(['report', '--db', db, ...window, '--format', 'json', ...args], { env })).stdout) as Report;
    const given = await json(['--human-hourly-rate', '80']);
    expect(given.totals.humanCostUsd).toBeCloseTo(2.125 * 80 + 7.5, 9);
    expect(given.humanHourlyRates).toEqual({ source: 'report', rates: [{ from: null, usdPerHour: 80 }] });
    // CPR_HUMAN_HOURLY_RATE sets the ledger's rate through serve or createMeter; a report does not
    // take it, so that every report on a ledger agrees. The ledger has none: the default, $40.
    const ledgers = await json([], { CPR_HUMAN_HOURLY_RATE: '20' });
    expect(ledgers.totals.humanCostUsd).toBeCloseTo(2.125 * 40 + 7.5, 9);
    expect(ledgers.humanHourlyRates).toEqual({ source: 'default', rates: [{ from: null, usdPerHour: 40 }] });
    expect((await json([], { CPR_DB: db })).totals.humanCostUsd).toBeCloseTo(92.5, 9);
  });

  it('defaults --db to CPR_DB and the window to the last 30 days', async () => {
    const { stdout } = await runCli(['report', '--format', 'json'], { env: { CPR_DB: db }, now: () => at(31, 23) });
    // The default end is now + 1 ms (this millisecond included); the start 30 days before it.
    expect((JSON.parse(stdout) as Report).window.from).toBe(new Date(at(1, 23) + 1).toISOString());
  });

  it.each([
    [['--group-by', 'agent'], '--group-by'],
    [['--from', 'last tuesday'], '--from'],
    [['--format', 'pdf'], '--format'],
    [['--human-hourly-rate', '-3'], '--human-hourly-rate'],
  ])('rejects %j naming the option', async (args, option) => {
    const { error } = await runCli(['report', '--db', db, ...args]);
    expect(error?.message).toContain(option);
    expect(error?.field).toBe(option);
  });
});

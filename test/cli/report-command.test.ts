import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerSettingsCommand } from '../../src/cli/settings-command.js';
import { openSqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
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

  it('groups by customer and prints the estimates, labelled as such (figures of cpr-scenario.test.ts)', async () => {
    const json = await runCli(['report', '--db', db, ...window, '--format', 'json', '--group-by', 'customer']);
    expect(json.error).toBeNull();
    const report = JSON.parse(json.stdout) as Report;
    expect(report.groups.map((g) => [g.key, g.totalCostUsd, g.savingsUsd])).toEqual([
      ['acme', 214.42, 73.58], ['globex', 174.14, 41.86], ['(none)', 72.61, -0.61], // 72 x resolved - total
    ]);
    const { stdout } = await runCli(['report', '--db', db, ...window, '--group-by', 'customer']);
    // (4.67 + 279) / 4 = 70.9175; 72 x 8 - 461.17 = 114.83; 72 - 57.64625 = 14.35375.
    expect(stdout).toContain('AI cost per AI resolution $70.92 = (LLM cost + AI fixed costs) / 4 bot resolutions');
    expect(stdout).toContain("Savings (estimate) $114.83 = human baseline $72.00 (the window's human-only CPR) x 8 resolved"
      + ' - total cost $461.17; $14.35 per resolution (estimate)');
    expect(stdout).toMatch(/customer\s+tickets.*AI cost\/AI res\.\s+savings \(est\.\)\s+savings\/res\. \(est\.\)/);
    // acme: AI cost (2.42 + 124) / 2 = 63.21, savings 73.58, per resolution 72 - 53.605 = 18.395.
    expect(stdout).toMatch(/^acme\s+5\s+4\s+\$214\.42\s.*\$63\.21\s+\$73\.58\s+\$18\.40$/m);
    expect(stdout).toMatch(/^\(none\)\s+2\s+1\s+\$72\.61\s.*\$62\.61\s+-\$0\.61\s+-\$0\.61$/m);
    expect(stdout).toContain("Every group's savings are estimated against the same human baseline, $72.00.");
  });

  it('estimates savings against --human-baseline-cpr, else CPR_HUMAN_BASELINE_CPR', async () => {
    const csv = async (args: string[], env = {}) => (await runCli(['report', '--db', db, ...window, '--format', 'csv', ...args], { env })).stdout;
    const text = await csv(['--human-baseline-cpr', '50']);
    expect(text.split('\r\n')[0]).toMatch(/,reopenRate,aiCostPerAiResolutionUsd,humanBaselineCprUsd,savingsUsd,savingsPerResolutionUsd,unallocatedCostUsd,resolvedWithoutActivity,humanHourlyRates,humanBaselineSource$/);
    // 50 x 8 - 461.17 = -61.17; 50 - 57.64625 = -7.64625.
    expect(text).toMatch(/\r\ntotals,11,8,.*,0\.25,70\.9175,50,-61\.17,-7\.64625,0,0,"\$40\.00\/h, the default \(the ledger has no rate: see cpr-meter settings\)",configured\r\n$/);
    // 60 x 8 - 461.17 = 18.83; the option wins over the variable.
    expect(await csv([], { CPR_HUMAN_BASELINE_CPR: '60' })).toMatch(/,70\.9175,60,18\.83,2\.35375,0,0,"\$40\.00\/h, the default \(the ledger has no rate: see cpr-meter settings\)",configured\r\n$/);
    expect(await csv(['--human-baseline-cpr', '50'], { CPR_HUMAN_BASELINE_CPR: '60' })).toMatch(/,50,-61\.17,-7\.64625,0,0,"\$40\.00\/h, the default \(the ledger has no rate: see cpr-meter settings\)",configured\r\n$/);
    // Neither: the window's human-only CPR.
    expect(await csv([])).toMatch(/,70\.9175,72,114\.83,14\.35375,0,0,"\$40\.00\/h, the default \(the ledger has no rate: see cpr-meter settings\)",human-only\r\n$/);
    const html = (await runCli(['report', '--db', db, ...window, '--format', 'html', '--human-baseline-cpr', '50'])).stdout;
    expect(html).toMatch(/<h2>AI cost and savings \(estimates\)<\/h2>.*Human baseline CPR \(configured\)<\/td><td>\$50\.00<\/td>.*Savings \(estimate\)[^<]*<\/td><td>-\$61\.17</s);
  });

  it("estimates savings against the ledger's human-baseline-cpr (cpr-meter settings set) when none is given", async () => {
    let said = '';
    const settings = new Command().exitOverride();
    registerSettingsCommand(settings, { openLedger: async (path) => openSqliteLedger({ path }), now: () => at(15), env: {},
      stdout: { write: (s: string) => { said += s; } } });
    await settings.parseAsync(['node', 'cpr-meter', 'settings', 'set', 'human-baseline-cpr', '50', '--db', db]);
    expect(said).toBe('human-baseline-cpr = $50.00 from always\n');
    const csv = async (args: string[], env = {}) => (await runCli(['report', '--db', db, ...window, '--format', 'csv', ...args], { env })).stdout;
    // 50 x 8 - 461.17 = -61.17; 50 - 57.64625 = -7.64625.
    expect(await csv([])).toMatch(/,70\.9175,50,-61\.17,-7\.64625,0,0,"\$40\.00\/h, the default \(the ledger has no rate: see cpr-meter settings\)",ledger\r\n$/);
    // The option, or the variable, wins over the ledger's: 60 x 8 - 461.17 = 18.83.
    expect(await csv(['--human-baseline-cpr', '60'])).toMatch(/,70\.9175,60,18\.83,2\.35375,0,0,"[^"]*",configured\r\n$/);
    expect(await csv([], { CPR_HUMAN_BASELINE_CPR: '60' })).toMatch(/,70\.9175,60,18\.83,2\.35375,0,0,"[^"]*",configured\r\n$/);
    const table = (await runCli(['report', '--db', db, ...window])).stdout;
    expect(table).toContain("Savings (estimate) -$61.17 = human baseline $50.00 (the ledger's human-baseline-cpr setting) x 8 resolved");
  });

  it('names CPR_HUMAN_BASELINE_CPR when the bad baseline came from it', async () => {
    const { error } = await runCli(['report', '--db', db], { env: { CPR_HUMAN_BASELINE_CPR: 'cheap' } });
    expect(error?.message).toContain('CPR_HUMAN_BASELINE_CPR');
    expect(error?.field).toBe('CPR_HUMAN_BASELINE_CPR');
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
    [['--human-baseline-cpr', '-3'], '--human-baseline-cpr'],
    [['--human-baseline-cpr', '1e3'], '--human-baseline-cpr'],
  ])('rejects %j naming the option', async (args, option) => {
    const { error } = await runCli(['report', '--db', db, ...args]);
    expect(error?.message).toContain(option);
    expect(error?.field).toBe(option);
  });
});

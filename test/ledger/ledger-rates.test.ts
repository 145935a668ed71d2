import { Command } from 'commander';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { registerSettingsCommand } from '../../src/cli/settings-command.js';
import { openSqliteLedger } from '../../src/ledger/sqlite/sqlite-ledger.js';
import { silentLogger } from '../../src/logging/logger.js';
import { createMeter } from '../../src/meter/create-meter.js';
import { formatReport } from '../../src/reports/format-report.js';
import type { Report } from '../../src/reports/types.js';
import { startServer, type CprServer } from '../../src/server/start-server.js';
import { runCli } from '../cli/report-cli-harness.js';
import { tempDir } from '../support/temp-dir.js';

/*
 * The human hourly rate belongs to the ledger. Before, `serve --human-hourly-rate 55` priced its
 * own reports at $55 while `cpr-meter report` on the same file used its own default ($40, or
 * CPR_HUMAN_HOURLY_RATE): two answers for one ledger. Now every report reads the ledger's rates,
 * each for the work done while it was in effect, and prints which it used.
 */

const JAN_10 = '2026-01-10T10:00:00Z';
const FEB_10 = '2026-02-10T10:00:00Z';
const MAR_1 = Date.UTC(2026, 2, 1);
const WINDOW = ['--from', '2026-01-01', '--to', '2026-03-01'];
const EVENTS = [
  // T-1: 1,800 s (0.5 h) on January 10th; T-2: 3,600 s (1 h) on February 10th; both resolved by a human.
  { type: 'human.work', ticketId: 'T-1', seconds: 1800, at: JAN_10 },
  { type: 'ticket.resolved', ticketId: 'T-1', by: 'human', at: JAN_10 },
  { type: 'human.work', ticketId: 'T-2', seconds: 3600, at: FEB_10 },
  { type: 'ticket.resolved', ticketId: 'T-2', by: 'human', at: FEB_10 },
];

/** `cpr-meter settings ...` in process, on the real SQLite ledger. */
async function settings(args: string[], now = MAR_1): Promise<string> {
  let stdout = '';
  const program = new Command().exitOverride();
  registerSettingsCommand(program, { openLedger: async (path) => openSqliteLedger({ path }), now: () => now, env: {},
    stdout: { write: (s: string) => { stdout += s; } } });
  await program.parseAsync(['node', 'cpr-meter', 'settings', ...args]);
  return stdout;
}

describe('the ledger\'s human hourly rate', () => {
  const dir = tempDir();
  const db = dir.file('rates.db');
  let server: CprServer | undefined;
  const serve = async (rate?: number) => {
    server = await startServer({ port: 0, db, upstream: 'http://127.0.0.1:9/v1', humanHourlyRate: rate, logger: silentLogger,
      now: () => MAR_1, env: {} });
    return server;
  };
  const cliReport = async (args: string[] = []) => {
    const run = await runCli(['report', '--db', db, ...WINDOW, '--format', 'json', ...args]);
    expect(run.error).toBeNull();
    return JSON.parse(run.stdout) as Report;
  };

  beforeEach(async () => {
    await serve(55);
    const res = await fetch(`${server!.url}/api/events`, { method: 'POST', body: JSON.stringify(EVENTS), headers: { 'content-type': 'application/json' } });
    expect(res.status).toBe(200);
  });
  afterEach(async () => {
    await server?.close();
    server = undefined;
    dir.remove();
  });

  it('is the one serve was given, for serve\'s reports and cpr-meter report alike, and every format says so', async () => {
    // 1.5 h at $55 = $82.50, whoever reports. Before: $82.50 from serve, $60.00 (1.5 h x $40) from the CLI.
    const served = await (await fetch(`${server!.url}/api/report?from=2026-01-01&to=2026-03-01`)).json() as Report;
    // GET /api/report?humanHourlyRate= prices one report at its own rate: 1.5 h x $60 = $90.
    const own = await (await fetch(`${server!.url}/api/report?from=2026-01-01&to=2026-03-01&humanHourlyRate=60`)).json() as Report;
    expect(own.totals.humanCostUsd).toBe(90);
    expect(own.humanHourlyRates).toEqual({ source: 'report', rates: [{ from: null, usdPerHour: 60 }] });
    const bad = await fetch(`${server!.url}/api/report?humanHourlyRate=-1`);
    expect(bad.status).toBe(400);
    await server!.close();
    server = undefined;
    const cli = await cliReport();
    for (const report of [served, cli]) {
      expect(report.totals.humanCostUsd).toBe(82.5);
      expect(report.humanHourlyRate).toBe(55);
      expect(report.humanHourlyRates).toEqual({ source: 'ledger', rates: [{ from: null, usdPerHour: 55 }] });
    }
    const table = formatReport(cli, 'table');
    expect(table).toContain('Human work without an amount at $55.00/h (the ledger\'s rate)');
    expect(formatReport(cli, 'html')).toContain('<td>$55.00/h (the ledger&#39;s rate)</td>');
    expect(formatReport(cli, 'csv')).toContain(',$55.00/h (the ledger\'s rate)\r\n');
  });

  it('changes from a date on: work is costed at the rate in effect when it was done, kept tickets included', async () => {
    await server!.close();
    server = undefined;
    expect((await cliReport()).totals.humanCostUsd).toBe(82.5); // the ledger keeps the tickets, priced at $55
    expect(await settings(['set', 'human-hourly-rate', '70', '--from', '2026-02-01', '--db', db]))
      .toBe('human-hourly-rate = $70.00 from 2026-02-01T00:00:00.000Z\n');
    // T-1: 0.5 h at $55 (January) = $27.50; T-2: 1 h at $70 (February) = $70.00; $97.50 in all.
    const report = await cliReport();
    expect(report.totals.humanCostUsd).toBe(97.5);
    expect(report.totals.humanOnlyCostPerResolutionUsd).toBe(48.75); // $97.50 / 2
    expect(report.humanHourlyRate).toBe(70); // in effect at the window's end
    expect(report.humanHourlyRates.rates).toEqual([{ from: null, usdPerHour: 55 }, { from: '2026-02-01T00:00:00.000Z', usdPerHour: 70 }]);
    expect(formatReport(report, 'table')).toContain('Human work without an amount at $55.00/h, $70.00/h from 2026-02-01 '
      + '(the ledger\'s rates, each for the work done while it was in effect)');
    // A window that ends before the change knows only the rate then.
    const january = await cliReport(['--to', '2026-02-01']);
    expect(january.totals.humanCostUsd).toBe(27.5);
    expect(january.humanHourlyRates.rates).toEqual([{ from: null, usdPerHour: 55 }]);
    // One report may give its own rate, and says so: 1.5 h x $60 = $90.
    const given = await cliReport(['--human-hourly-rate', '60']);
    expect(given.totals.humanCostUsd).toBe(90);
    expect(formatReport(given, 'table')).toContain('at $60.00/h, given for this report instead of the ledger\'s rates');
  });

  it('serve with another rate stores it from now on; with the same rate, changes nothing', async () => {
    await server!.close();
    await serve(55); // the ledger's rate: nothing stored
    await server!.close();
    const ledger = openSqliteLedger({ path: db });
    try {
      expect(await ledger.readSettings()).toEqual([{ name: 'human-hourly-rate', effectiveFrom: null, value: 55, setAt: MAR_1 }]);
    } finally {
      await ledger.close();
    }
    await serve(65); // on March 1st: $65 from then on; the work of January and February keeps $55
    await server!.close();
    server = undefined;
    expect((await cliReport()).totals.humanCostUsd).toBe(82.5);
    expect(await settings(['--db', db])).toMatch(/human-hourly-rate\s+\$55\.00\s+always[^\n]*\n\s+\$65\.00\s+2026-03-01T00:00:00\.000Z/);
  });

  it('cpr-meter settings stores human-baseline-cpr too, and refuses unknown names and bad values', async () => {
    await server!.close();
    server = undefined;
    expect(await settings(['set', 'human-baseline-cpr', '12.5', '--db', db])).toBe('human-baseline-cpr = $12.50 from always\n');
    const ledger = openSqliteLedger({ path: db });
    try {
      expect(await ledger.readSettings('human-baseline-cpr')).toEqual([{ name: 'human-baseline-cpr', effectiveFrom: null, value: 12.5, setAt: MAR_1 }]);
    } finally {
      await ledger.close();
    }
    await expect(settings(['set', 'human-hourly-rat', '50', '--db', db])).rejects.toThrow('Unknown setting "human-hourly-rat": expected human-hourly-rate or human-baseline-cpr.');
    await expect(settings(['set', 'human-hourly-rate', '-5', '--db', db])).rejects.toThrow(/expected a number of USD from 0/);
    await expect(settings(['set', 'human-hourly-rate', '50', '--from', '2026-02-30', '--db', db])).rejects.toThrow('Invalid --from: "2026-02-30" is not a date');
    await expect(settings(['--db', dir.file('nothere.db')])).rejects.toThrow(/No ledger at .*nothere\.db/);
  });
});

describe('createMeter({ humanHourlyRate })', () => {
  it('stores the rate in the ledger since always when it has none', async () => {
    const dir = tempDir();
    try {
      const meter = createMeter({ db: dir.file('m.db'), humanHourlyRate: 48, logger: silentLogger, env: {}, now: () => MAR_1 });
      await meter.record([{ type: 'human.work', ticketId: 'T-1', seconds: 900, at: JAN_10 }, { type: 'ticket.resolved', ticketId: 'T-1', by: 'human', at: JAN_10 }]);
      // 900 s = 0.25 h at $48 = $12, in the meter's report and in cpr-meter report on the same file.
      expect((await meter.report({ from: '2026-01-01', to: '2026-03-01' })).totals.humanCostUsd).toBe(12);
      await meter.close();
      const run = await runCli(['report', '--db', dir.file('m.db'), ...WINDOW, '--format', 'json']);
      expect((JSON.parse(run.stdout) as Report).totals.humanCostUsd).toBe(12);
    } finally {
      dir.remove();
    }
  });
});

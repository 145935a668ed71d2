/**
 * Benchmark 4, report: the cost-per-resolution report over a ledger of 1,000,000 LLM calls and
 * 200,000 tickets (see `support/generate-ledger.ts`), through the CLI's own path: open the ledger
 * (`openSqliteLedger`), `buildReport` (the window's facts from SQLite, then `computeReport`).
 * Timed whole, and split into its SQL part (`reportInput`) and its computing part, for the full
 * report and `--group-by category`, `day` and `customer` (60,000 customers), on a ledger reported on before (which keeps each
 * ticket's facts between reports); and, whole, the full report after 10,000 new calls and 2,000
 * resolutions (what changed is folded again), and the first report a ledger ever gets (every call
 * and event folded). The ledger is generated once and kept in `bench/.cache/` (delete it to
 * generate it again; a new schema migration is applied on open); each run works on a copy.
 */
import { copyFileSync } from 'node:fs';
import type * as BuildReport from '../src/reports/build-report.js';
import type * as ComputeReport from '../src/reports/compute-report.js';
import type * as SqliteLedgerModule from '../src/ledger/sqlite/sqlite-ledger.js';
import type * as TicketStore from '../src/ledger/sqlite/ticket-store.js';
import { importBuilt } from './support/build.js';
import { GENERATED_WINDOW, generateActivity } from './support/generate-ledger.js';
import { ensureReportLedger, sizeOfLedger } from './support/report-ledger.js';
import type { BenchOptions } from './support/options.js';
import { saveResults } from './support/results.js';
import { scratchDir } from './support/scratch.js';
import { median } from './support/stats.js';
import { printTable, type Cell } from './support/table.js';

type Variant = 'full' | 'group-by category' | 'group-by day' | 'group-by customer' | 'full, after 10,000 new calls' | 'full, first report of the ledger';
const VARIANTS: Variant[] = ['full', 'group-by category', 'group-by day', 'group-by customer', 'full, after 10,000 new calls', 'full, first report of the ledger'];
const GROUP_BY: Record<Variant, 'category' | 'day' | 'customer' | undefined> = {
  full: undefined, 'group-by category': 'category', 'group-by day': 'day', 'group-by customer': 'customer',
  'full, after 10,000 new calls': undefined, 'full, first report of the ledger': undefined,
};
/** The activity added before each `after new calls` report: calls on 2,000 tickets, and their resolutions. */
const NEW_ACTIVITY = { calls: 10_000, tickets: 2_000 };

/** Runs the report benchmark and returns what it saved. */
export async function runReportBenchmark(options: BenchOptions) {
  const { openSqliteLedger } = await importBuilt<typeof SqliteLedgerModule>('ledger/sqlite/sqlite-ledger.js');
  const { insertEvents } = await importBuilt<typeof TicketStore>('ledger/sqlite/ticket-store.js');
  const { buildReport } = await importBuilt<typeof BuildReport>('reports/build-report.js');
  const { computeReport } = await importBuilt<typeof ComputeReport>('reports/compute-report.js');
  const { path, counts } = await ensureReportLedger({ quick: options.quick, name: 'report' });
  const sizeOf = sizeOfLedger;
  const generatedSizeMb = sizeOf(path);

  // Reports keep tickets' facts in the ledger between runs (report-cache.ts): measure on a copy,
  // so that every run starts from the generated ledger, never reported on.
  const scratch = scratchDir('report');
  const ledgerPath = scratch.file('ledger.db');
  copyFileSync(path, ledgerPath);
  let batches = 0;
  const reportOptions = { from: new Date(GENERATED_WINDOW.from).toISOString(), to: new Date(GENERATED_WINDOW.to).toISOString() };
  const humanHourlyRate = 40;
  const measure = async (variant: Variant) => {
    if (variant === 'full, first report of the ledger') {
      // Forget the kept facts: this report folds every call and event, and keeps the result.
      const ledger = openSqliteLedger({ path: ledgerPath });
      ledger.db.exec('UPDATE report_cache_state SET calls_rowid = NULL');
      await ledger.close();
    } else if (variant === 'full, after 10,000 new calls') {
      const ledger = openSqliteLedger({ path: ledgerPath });
      generateActivity(ledger, (events) => insertEvents(ledger.db, events), { ...NEW_ACTIVITY, ticketCount: counts.tickets, seed: (batches += 1) });
      // As `serve`'s background checkpoints would have done meanwhile: the report does not pay for copying the WAL.
      ledger.db.pragma('wal_checkpoint(PASSIVE)');
      await ledger.close();
    }
    const t0 = performance.now();
    // The CLI's path: open (migrations checked), build the report, close.
    const ledger = openSqliteLedger({ path: ledgerPath });
    const opened = performance.now();
    const report = await buildReport(ledger, { options: { ...reportOptions, groupBy: GROUP_BY[variant] }, humanHourlyRate });
    const total = performance.now() - t0;
    const steady = variant === 'full' || variant.startsWith('group-by');
    if (!steady) {
      await ledger.close();
      return { totalMs: total, openMs: opened - t0, sqlMs: null, computeMs: null, tickets: report.totals.tickets, groups: report.groups.length };
    }
    // The same report again, split: the SQL that loads the window's facts, and the computing.
    const s0 = performance.now();
    const input = await ledger.reportInput({ window: GENERATED_WINDOW, humanHourlyRate, groupBy: GROUP_BY[variant] });
    const s1 = performance.now();
    computeReport(input, { groupBy: GROUP_BY[variant] });
    const s2 = performance.now();
    await ledger.close();
    return { totalMs: total, openMs: opened - t0, sqlMs: s1 - s0, computeMs: s2 - s1, tickets: report.totals.tickets, groups: report.groups.length };
  };

  process.stdout.write(`report: ${options.rounds} rounds, each variant once per round, after one warm-up run (the file is then in the OS cache)\n`);
  for (const variant of VARIANTS) await measure(variant);
  const measured = new Map<Variant, Awaited<ReturnType<typeof measure>>[]>();
  for (let round = 0; round < options.rounds; round += 1) {
    const order = VARIANTS.map((_, i) => VARIANTS[(i + round) % VARIANTS.length]!);
    for (const variant of order) measured.set(variant, [...(measured.get(variant) ?? []), await measure(variant)]);
  }
  const figures: Record<string, unknown> = {};
  const rows: Cell[][] = VARIANTS.map((variant) => {
    const rounds = measured.get(variant)!;
    const figure = {
      totalMs: median(rounds.map((r) => r.totalMs)),
      openMs: median(rounds.map((r) => r.openMs)),
      sqlMs: rounds[0]!.sqlMs === null ? null : median(rounds.map((r) => r.sqlMs!)),
      computeMs: rounds[0]!.computeMs === null ? null : median(rounds.map((r) => r.computeMs!)),
      ticketsInScope: rounds[0]!.tickets,
      groups: rounds[0]!.groups,
      rounds,
    };
    figures[variant] = figure;
    return [variant, figure.totalMs, figure.openMs, figure.sqlMs, figure.computeMs, figure.ticketsInScope, figure.groups];
  });
  printTable(
    `Report over ${counts.calls.toLocaleString('en-US')} calls, ${counts.tickets.toLocaleString('en-US')} tickets, ${counts.events.toLocaleString('en-US')} events; ledger ${generatedSizeMb.toFixed(0)} MB (medians of ${options.rounds} rounds)`,
    ['report', 'total ms', 'open ms', 'SQL ms', 'compute ms', 'tickets', 'groups'],
    rows,
    [0, 0, 1, 0, 0, 0, 0],
  );
  const total = (variant: Variant) => (figures[variant] as { totalMs: number }).totalMs;
  const targetsMet = {
    fullAtMost1s: total('full') <= 1_000,
    groupedByCategoryAtMost2s: total('group-by category') <= 2_000,
    groupedByDayAtMost2s: total('group-by day') <= 2_000,
    groupedByCustomerAtMost2s: total('group-by customer') <= 2_000,
    fullAfterNewCallsAtMost1s: total('full, after 10,000 new calls') <= 1_000,
  };
  process.stdout.write(`targets: ${JSON.stringify(targetsMet)}\n`);
  const sizeMb = sizeOf(ledgerPath);
  scratch.remove();
  const results = { generated: counts, ledgerSizeMb: sizeMb, generatedLedgerSizeMb: generatedSizeMb, newActivity: NEW_ACTIVITY, rounds: options.rounds, figures, targetsMet };
  if (!options.quick) saveResults('report', results);
  return results;
}

/**
 * Benchmark 7, dashboard: the dashboard's APIs through a real `serve` (its report thread, its
 * HTTP server) over the report benchmark's ledger of 1,000,000 calls and 200,000 tickets
 * (`support/report-ledger.ts`): the overview (`GET /api/report?compare=previous`: the window and
 * the one before), the trend by day, the breakdown by category, pages of tickets (costliest
 * first, filtered, deep) and the costliest ticket's timeline. Each round first records new
 * activity (1,000 calls on 200 tickets, with their resolutions) through another connection, as a
 * live proxy would, then requests each once ("after new activity": the first request of the window
 * folds what changed), then each again ("ledger unchanged"). Baseline, in the same run: the plain
 * `GET /api/report` of the window. Medians over the rounds.
 */
import { copyFileSync } from 'node:fs';
import type * as SqliteLedgerModule from '../src/ledger/sqlite/sqlite-ledger.js';
import type * as TicketStore from '../src/ledger/sqlite/ticket-store.js';
import type * as Logger from '../src/logging/logger.js';
import type * as StartServer from '../src/server/start-server.js';
import type { TicketPage } from '../src/ledger/ticket-explorer.js';
import { importBuilt } from './support/build.js';
import { GENERATED_WINDOW, generateActivity } from './support/generate-ledger.js';
import type { BenchOptions } from './support/options.js';
import { ensureReportLedger } from './support/report-ledger.js';
import { saveResults } from './support/results.js';
import { scratchDir } from './support/scratch.js';
import { median } from './support/stats.js';
import { printTable, type Cell } from './support/table.js';

const NEW_ACTIVITY = { calls: 1_000, tickets: 200 };

/** Runs the dashboard benchmark and returns what it saved. */
export async function runDashboardBenchmark(options: BenchOptions) {
  const { startServer } = await importBuilt<typeof StartServer>('server/start-server.js');
  const { silentLogger } = await importBuilt<typeof Logger>('logging/logger.js');
  const { openSqliteLedger } = await importBuilt<typeof SqliteLedgerModule>('ledger/sqlite/sqlite-ledger.js');
  const { insertEvents } = await importBuilt<typeof TicketStore>('ledger/sqlite/ticket-store.js');
  const { path, counts } = await ensureReportLedger({ quick: options.quick, name: 'dashboard' });
  const scratch = scratchDir('dashboard');
  const ledgerPath = scratch.file('ledger.db');
  copyFileSync(path, ledgerPath);
  const cpr = await startServer({ port: 0, db: ledgerPath, env: {}, logger: silentLogger });
  const window = `from=${new Date(GENERATED_WINDOW.from).toISOString()}&to=${new Date(GENERATED_WINDOW.to).toISOString()}`;
  const get = async (route: string): Promise<{ ms: number; body: unknown }> => {
    const t0 = performance.now();
    const res = await fetch(`${cpr.url}/api/${route}`);
    const body: unknown = await res.json();
    if (!res.ok) throw new Error(`GET /api/${route}: ${res.status} ${JSON.stringify(body)}`);
    return { ms: performance.now() - t0, body };
  };

  try {
    process.stdout.write('dashboard: the first overview of the ledger (every ticket folded and kept)...\n');
    const first = await get(`report?${window}&compare=previous`);
    const costliest = ((await get(`tickets?${window}&limit=1`)).body as TicketPage).tickets[0]!.ticketId;
    const requests: Record<string, string> = {
      'baseline: report (plain)': `report?${window}`,
      'overview (report + previous window)': `report?${window}&compare=previous`,
      'trend by day': `trend?${window}&interval=day`,
      'breakdown by category': `report?${window}&groupBy=category`,
      'tickets: costliest 20': `tickets?${window}&limit=20`,
      'tickets: escalated, offset 1,000': `tickets?${window}&limit=20&offset=1000&path=escalated`,
      'tickets: billing, latest first': `tickets?${window}&limit=20&category=billing&sort=time`,
      'timeline of the costliest ticket': `tickets/${encodeURIComponent(costliest)}?${window}`,
    };
    const names = Object.keys(requests);
    const changed = new Map<string, number[]>(names.map((n) => [n, []]));
    const unchanged = new Map<string, number[]>(names.map((n) => [n, []]));
    for (let round = 0; round < options.rounds + 1; round += 1) {
      const ledger = openSqliteLedger({ path: ledgerPath });
      generateActivity(ledger, (events) => insertEvents(ledger.db, events), { ...NEW_ACTIVITY, ticketCount: counts.tickets, seed: 1000 + round });
      ledger.db.pragma('wal_checkpoint(PASSIVE)');
      await ledger.close();
      // Round 0 warms up (the OS cache, the thread's statements).
      for (const name of names) {
        const { ms } = await get(requests[name]!);
        if (round > 0) changed.get(name)!.push(ms);
      }
      for (const name of names) {
        const { ms } = await get(requests[name]!);
        if (round > 0) unchanged.get(name)!.push(ms);
      }
    }
    const figures: Record<string, { afterNewActivityMs: number; unchangedMs: number }> = {};
    const baseline = median(unchanged.get(names[0]!)!);
    const rows: Cell[][] = names.map((name) => {
      const figure = { afterNewActivityMs: median(changed.get(name)!), unchangedMs: median(unchanged.get(name)!) };
      figures[name] = figure;
      return [name, figure.afterNewActivityMs, figure.unchangedMs, figure.unchangedMs / baseline];
    });
    printTable(
      `Dashboard APIs over ${counts.calls.toLocaleString('en-US')} calls, ${counts.tickets.toLocaleString('en-US')} tickets, through serve (medians of ${options.rounds} rounds)`,
      ['request', 'ms after new activity', 'ms unchanged', 'x baseline (unchanged)'],
      rows,
      [0, 1, 1, 2],
    );
    const worst = (pick: (name: string) => boolean) => Math.max(...names.filter(pick).map((n) => Math.max(figures[n]!.afterNewActivityMs, figures[n]!.unchangedMs)));
    const targetsMet = {
      overviewAndTrendAtMost1s: worst((n) => n.startsWith('overview') || n.startsWith('trend')) <= 1_000,
      ticketPageAndTimelineAtMost100ms: worst((n) => n.startsWith('tickets') || n.startsWith('timeline')) <= 100,
    };
    process.stdout.write(`first overview of the ledger: ${first.ms.toFixed(0)} ms\ntargets: ${JSON.stringify(targetsMet)}\n`);
    const results = { generated: counts, newActivity: NEW_ACTIVITY, rounds: options.rounds, firstOverviewMs: first.ms, figures, targetsMet };
    if (!options.quick) saveResults('dashboard', results);
    return results;
  } finally {
    await cpr.close();
    scratch.remove();
  }
}

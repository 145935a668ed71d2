/**
 * Benchmark `postgres`, the ledger of a fleet: (1) ledger writes per second at 1, 16 and 64
 * calls in flight, SQLite and PostgreSQL side by side; (2) three proxies recording into one
 * PostgreSQL against the bare proxy, at concurrency 16 each; (3) the report over 1,000,000 calls
 * on both stores: the first, warm, grouped, after 10,000 new calls. Every figure is a median of
 * rounds; every ratio is taken within a round (the baseline measured in the same run). The
 * PostgreSQL server: see `support/bench-postgres.ts`.
 */
import { startBenchPostgres } from './support/bench-postgres.js';
import type { BenchOptions } from './support/options.js';
import { FLEET_RUNS, startFleet, type FleetMeasurement, type FleetRun } from './support/postgres-fleet.js';
import { prepareReportLedgers, REPORT_VARIANTS, type ReportTiming, type ReportVariant } from './support/postgres-report.js';
import { IN_FLIGHT, openWriteLedgers, startWriterProcesses, type WriteMeasurement } from './support/postgres-writes.js';
import { saveResults } from './support/results.js';
import { scratchDir } from './support/scratch.js';
import { median } from './support/stats.js';
import { printTable } from './support/table.js';

const STORES = ['SQLite', 'PostgreSQL'] as const;
const log = (line: string) => process.stdout.write(`${line}\n`);
const pct = (ratio: number) => `${(ratio * 100).toFixed(0)}%`;

/** Runs the three parts and returns what it saved. */
export async function runPostgresBenchmark(options: BenchOptions) {
  const server = await startBenchPostgres();
  log(`postgres: ${options.rounds} rounds; PostgreSQL: ${server.origin}`);
  try {
    // CPR_BENCH_POSTGRES_PARTS=writes,fleet,report runs only those parts (default: all three).
    const parts = (process.env.CPR_BENCH_POSTGRES_PARTS ?? 'writes,fleet,report').split(',');
    const writes = parts.includes('writes') ? await benchWrites(options, await server.createDatabase('bench_writes')) : null;
    const fleet = parts.includes('fleet') ? await benchFleet(options, { postgresUrl: await server.createDatabase('bench_fleet'),
      asyncCommitUrl: await server.createDatabase('bench_fleet_async', { asyncCommit: true }) }) : null;
    const report = parts.includes('report') ? await benchReport(options, await server.createDatabase('bench_report')) : null;
    const targetsMet = {
      atLeast20000RecordedCallsPerSecondFromThreeProxies: fleet && fleet.figures['cpr-meter on PostgreSQL, 3 proxies'].recordedPerSecond >= 20_000,
      ledgerTakesAtLeast20000CallsPerSecondFromThreeWriterProcesses: writes && writes.threeProcesses >= 20_000,
      eachProxyAtLeast80PercentOfBareAt16: fleet && fleet.figures['cpr-meter on PostgreSQL, 1 proxy'].vsBare >= 0.8,
      eachOfThreeProxiesAtLeast80PercentOfBareAt16: fleet && fleet.figures['cpr-meter on PostgreSQL, 3 proxies'].vsBare >= 0.8,
      warmReportAtMost1s: report && report.figures.full.PostgreSQL.totalMs <= 1_000,
      groupedReportsAtMost2s: report && (['group-by category', 'group-by day', 'group-by customer'] as const).every((v) => report.figures[v].PostgreSQL.totalMs <= 2_000),
    };
    log(`targets: ${JSON.stringify(targetsMet)}`);
    const results = { server: server.origin, rounds: options.rounds, durationS: options.durationS, tool: options.tool, writes, fleet, report, targetsMet };
    if (!options.quick && parts.length === 3) saveResults('postgres', results);
    return results;
  } finally {
    await server.stop();
  }
}

async function benchWrites(options: BenchOptions, postgresUrl: string) {
  log('ledger writes: preparing two ledgers of 100,000 calls');
  const ledgers = await openWriteLedgers({ postgresUrl });
  try {
    const modes = STORES.flatMap((store) => IN_FLIGHT.map((inFlight) => ({ store, inFlight, key: `${store}, ${inFlight} in flight` })));
    for (const mode of modes) await ledgers.measure(mode.store, mode.inFlight, 0.5); // warm-up
    const measured = new Map<string, WriteMeasurement[]>();
    for (let round = 0; round < options.rounds; round += 1) {
      for (const i of modes.keys()) {
        const mode = modes[(i + round) % modes.length]!;
        measured.set(mode.key, [...(measured.get(mode.key) ?? []), await ledgers.measure(mode.store, mode.inFlight, options.durationS)]);
      }
    }
    const stats = ledgers.stats();
    for (const store of STORES) if (stats[store].failedWrites > 0) throw new Error(`${store} writes failed: ${JSON.stringify(stats[store])}`);
    const figures: Record<string, unknown> = {};
    const rows = IN_FLIGHT.flatMap((inFlight) => STORES.map((store) => {
      const rounds = measured.get(`${store}, ${inFlight} in flight`)!;
      const sqlite = measured.get(`SQLite, ${inFlight} in flight`)!;
      const figure = {
        callsPerSecond: median(rounds.map((r) => r.callsPerSecond)), latencyP50Us: median(rounds.map((r) => r.latencyP50Us)),
        latencyP99Us: median(rounds.map((r) => r.latencyP99Us)), vsSqlite: median(rounds.map((r, i) => r.callsPerSecond / sqlite[i]!.callsPerSecond)), rounds,
      };
      figures[`${store}, ${inFlight} in flight`] = figure;
      return [String(inFlight), store, Math.round(figure.callsPerSecond), figure.latencyP50Us, figure.latencyP99Us, pct(figure.vsSqlite)];
    }));
    printTable(`Ledger writes through the recorder (group commit), ${options.durationS} s per measurement (medians of ${options.rounds} rounds)`,
      ['in flight', 'store', 'calls/s', 'commit p50 µs', 'commit p99 µs', 'vs SQLite'], rows, [0, 0, 0, 0, 0, 0]);
    // Three writer processes at once, each as a replica records (its own recorder and pool), into the same database.
    const writers = await startWriterProcesses({ postgresUrl, processes: 3 });
    try {
      await writers.measure({ inFlight: 64, seconds: 0.5 }); // warm-up
      const rounds: number[] = [];
      for (let round = 0; round < options.rounds; round += 1) {
        const { callsPerSecond, failed } = await writers.measure({ inFlight: 64, seconds: options.durationS });
        if (failed > 0) throw new Error(`${failed} writes failed in the writer processes`);
        rounds.push(callsPerSecond);
      }
      const threeProcesses = median(rounds);
      log(`three writer processes, 64 in flight each, into one PostgreSQL: ${Math.round(threeProcesses).toLocaleString('en-US')} calls/s (median of ${options.rounds} rounds)`);
      return { figures, threeProcesses, threeProcessesRounds: rounds };
    } finally {
      await writers.stop();
    }
  } finally {
    await ledgers.close();
  }
}

async function benchFleet(options: BenchOptions, databases: { postgresUrl: string; asyncCommitUrl: string }) {
  log('fleet: a fake upstream, three bare proxies, three cpr-meter processes on one PostgreSQL database, three on another with async commit, one on SQLite');
  const scratch = scratchDir('postgres-fleet');
  const fleet = await startFleet({ ...databases, sqlitePath: scratch.file('ledger.db') });
  try {
    for (const run of FLEET_RUNS) await fleet.measure(run, { durationS: Math.min(2, options.durationS), tool: options.tool }); // warm-up
    const measured = new Map<FleetRun, FleetMeasurement[]>();
    for (let round = 0; round < options.rounds; round += 1) {
      for (const i of FLEET_RUNS.keys()) {
        const run = FLEET_RUNS[(i + round) % FLEET_RUNS.length]!;
        measured.set(run, [...(measured.get(run) ?? []), await fleet.measure(run, { durationS: options.durationS, tool: options.tool })]);
      }
      log(`  round ${round + 1}/${options.rounds} done`);
    }
    const bareOf = (run: FleetRun): FleetRun => (run.endsWith('1 proxy') ? 'bare, 1 proxy' : 'bare, 3 proxies');
    const figures = Object.fromEntries(FLEET_RUNS.map((run) => {
      const rounds = measured.get(run)!;
      const bare = measured.get(bareOf(run))!;
      return [run, {
        perProxy: median(rounds.map((r) => r.total / r.perProxy.length)), total: median(rounds.map((r) => r.total)),
        p50Ms: median(rounds.map((r) => r.p50Ms)), p99Ms: median(rounds.map((r) => r.p99Ms)),
        recordedPerSecond: rounds[0]!.recordedPerSecond === null ? Number.NaN : median(rounds.map((r) => r.recordedPerSecond!)),
        vsBare: median(rounds.map((r, i) => r.total / bare[i]!.total)), errors: rounds.reduce((sum, r) => sum + r.errors, 0), rounds,
      }];
    })) as unknown as Record<FleetRun, { perProxy: number; total: number; p50Ms: number; p99Ms: number; recordedPerSecond: number; vsBare: number; errors: number }>;
    printTable(`Proxies at concurrency 16 each, non-streamed chat completions (${options.tool}; medians of ${options.rounds} rounds; ratios within each round)`,
      ['run', 'req/s per proxy', 'req/s all', 'p50 ms', 'p99 ms', 'recorded calls/s', 'vs bare', 'errors'],
      FLEET_RUNS.map((run) => {
        const f = figures[run];
        return [run, Math.round(f.perProxy), Math.round(f.total), f.p50Ms, f.p99Ms, Number.isNaN(f.recordedPerSecond) ? null : Math.round(f.recordedPerSecond),
          run.startsWith('bare') ? '' : pct(f.vsBare), f.errors];
      }),
      [0, 0, 0, 3, 3, 0, 0, 0]);
    return { figures };
  } finally {
    await fleet.stop();
    scratch.remove();
  }
}

async function benchReport(options: BenchOptions, postgresUrl: string) {
  log('report: preparing the ledgers');
  const ledgers = await prepareReportLedgers({ quick: options.quick, postgresUrl, log });
  try {
    await ledgers.measureBoth('full'); // warm-up: the first report of each store folds everything, and the caches fill
    const measured = new Map<ReportVariant, Array<Record<'SQLite' | 'PostgreSQL', ReportTiming>>>();
    for (let round = 0; round < options.rounds; round += 1) {
      for (const i of REPORT_VARIANTS.keys()) {
        const variant = REPORT_VARIANTS[(i + round) % REPORT_VARIANTS.length]!;
        measured.set(variant, [...(measured.get(variant) ?? []), await ledgers.measureBoth(variant)]);
      }
    }
    const figures = Object.fromEntries(REPORT_VARIANTS.map((variant) => {
      const rounds = measured.get(variant)!;
      const of = (store: 'SQLite' | 'PostgreSQL') => ({
        totalMs: median(rounds.map((r) => r[store].totalMs)), openMs: median(rounds.map((r) => r[store].openMs)), llmCalls: rounds.at(-1)![store].llmCalls,
      });
      return [variant, { SQLite: of('SQLite'), PostgreSQL: of('PostgreSQL'), postgresVsSqlite: median(rounds.map((r) => r.PostgreSQL.totalMs / r.SQLite.totalMs)), rounds }];
    })) as unknown as Record<ReportVariant, { SQLite: ReportTiming; PostgreSQL: ReportTiming; postgresVsSqlite: number }>;
    printTable(`Report over ${ledgers.counts.calls.toLocaleString('en-US')} calls, ${ledgers.counts.tickets.toLocaleString('en-US')} tickets (open + report + close; medians of ${options.rounds} rounds)`,
      ['report', 'SQLite ms', 'PostgreSQL ms', 'PostgreSQL open ms', 'PostgreSQL / SQLite', 'calls in the report (both)'],
      REPORT_VARIANTS.map((variant) => {
        const f = figures[variant];
        const same = f.SQLite.llmCalls === f.PostgreSQL.llmCalls ? String(f.PostgreSQL.llmCalls) : `differ: ${f.SQLite.llmCalls} / ${f.PostgreSQL.llmCalls}`;
        return [variant, f.SQLite.totalMs, f.PostgreSQL.totalMs, f.PostgreSQL.openMs, `${f.postgresVsSqlite.toFixed(2)}x`, same];
      }),
      [0, 0, 0, 1, 0, 0]);
    return { generated: ledgers.counts, copy: ledgers.copy, figures };
  } finally {
    ledgers.remove();
  }
}

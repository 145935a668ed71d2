/**
 * Benchmark 3, ledger writes: how many calls per second the SQLite ledger records, sustained, and
 * the latency a write adds, on a file ledger (WAL, `synchronous = NORMAL`) that already holds
 * 100,000 calls, set up as `serve` sets it up (WAL checkpoints on a background thread). Rows are
 * what the proxy records for a chat completion, with its time-ordered call ids.
 *
 * - `recorder, 1 in flight`: `await recorder.record(call)` one call after another (a proxy at
 *   concurrency 1; each call its own transaction), through the recorder `serve` uses.
 * - `recorder, 16 / 64 in flight`: as many calls recorded during one turn of the event loop, as
 *   under concurrent load; the recorder's group commit puts them in one transaction.
 * - baselines: a transaction per call straight on the ledger (`recordCallSync`), with the WAL
 *   checkpointed by the writing connection itself (what the proxy did before), and 1,000 calls
 *   per transaction (`recordCallsSync`), the ceiling.
 */
import type * as CallRecorderModule from '../src/ledger/call-recorder.js';
import type * as Checkpoints from '../src/ledger/sqlite/background-checkpoints.js';
import type * as SqliteLedgerModule from '../src/ledger/sqlite/sqlite-ledger.js';
import type * as Logging from '../src/logging/logger.js';
import type * as CallId from '../src/recording/call-id.js';
import type { LlmCall } from '../src/ledger/types.js';
import { importBuilt } from './support/build.js';
import { benchCall } from './support/calls.js';
import type { BenchOptions } from './support/options.js';
import { saveResults } from './support/results.js';
import { scratchDir } from './support/scratch.js';
import { median, percentile } from './support/stats.js';
import { printTable, type Cell } from './support/table.js';

type Mode = 'recorder, 1 in flight' | 'recorder, 16 in flight' | 'recorder, 64 in flight' | 'transaction per call, inline checkpoints' | '1,000 per transaction';
const MODES: Mode[] = ['recorder, 1 in flight', 'recorder, 16 in flight', 'recorder, 64 in flight', 'transaction per call, inline checkpoints', '1,000 per transaction'];

interface Measurement {
  callsPerSecond: number;
  cpuUsPerCall: number;
  /** Time from `record()` to its promise settling, for the recorder modes. */
  latencyP50Us: number | null;
  latencyP99Us: number | null;
}

/** Runs the ledger benchmark and returns what it saved. */
export async function runLedgerBenchmark(options: BenchOptions) {
  const { CallRecorder } = await importBuilt<typeof CallRecorderModule>('ledger/call-recorder.js');
  const { startBackgroundCheckpoints } = await importBuilt<typeof Checkpoints>('ledger/sqlite/background-checkpoints.js');
  const { openSqliteLedger } = await importBuilt<typeof SqliteLedgerModule>('ledger/sqlite/sqlite-ledger.js');
  const { silentLogger } = await importBuilt<typeof Logging>('logging/logger.js');
  const { newCallId } = await importBuilt<typeof CallId>('recording/call-id.js');
  const scratch = scratchDir('ledger');
  const path = scratch.file('ledger.db');
  const ledger = openSqliteLedger({ path });
  const recorder = new CallRecorder({ ledger, logger: silentLogger, groupCommit: true });
  let checkpoints: ReturnType<typeof startBackgroundCheckpoints> | undefined;
  let n = 0;
  let clock = Date.UTC(2026, 0, 1);
  const next = (): LlmCall => {
    const call = benchCall({ startedAt: (clock += 7), n: (n += 1) });
    return { ...call, id: newCallId(call.startedAt) };
  };
  const callsPerRound = options.quick ? 5_000 : 20_000;
  try {
    const prefill = Array.from({ length: 100_000 }, next);
    for (let i = 0; i < prefill.length; i += 1_000) ledger.recordCallsSync(prefill.slice(i, i + 1_000));
    process.stdout.write(`ledger: ${callsPerRound.toLocaleString('en-US')} calls per mode per round, ${options.rounds} rounds, on a ledger of 100,000 calls\n`);

    const measure = async (mode: Mode): Promise<Measurement> => {
      const calls = Array.from({ length: callsPerRound }, next);
      const latencies: number[] = [];
      const timed = async (call: LlmCall) => {
        const t0 = process.hrtime.bigint();
        await recorder.record(call);
        latencies.push(Number(process.hrtime.bigint() - t0) / 1e3);
      };
      // As `serve` runs it, but for the "before" baseline, whose writer checkpoints by itself.
      const background = mode !== 'transaction per call, inline checkpoints';
      if (background && !checkpoints) checkpoints = startBackgroundCheckpoints({ db: ledger.db, path, logger: silentLogger });
      if (!background && checkpoints) {
        await checkpoints.stop();
        checkpoints = undefined;
      }
      const cpu0 = process.cpuUsage();
      const t0 = process.hrtime.bigint();
      if (mode === 'transaction per call, inline checkpoints') {
        for (const call of calls) ledger.recordCallSync(call);
      } else if (mode === '1,000 per transaction') {
        for (let i = 0; i < calls.length; i += 1_000) ledger.recordCallsSync(calls.slice(i, i + 1_000));
      } else {
        const inFlight = mode === 'recorder, 1 in flight' ? 1 : mode === 'recorder, 16 in flight' ? 16 : 64;
        for (let i = 0; i < calls.length; i += inFlight) await Promise.all(calls.slice(i, i + inFlight).map(timed));
      }
      const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
      const cpu = process.cpuUsage(cpu0);
      return {
        callsPerSecond: calls.length / seconds,
        cpuUsPerCall: (cpu.user + cpu.system) / calls.length,
        latencyP50Us: latencies.length ? percentile(latencies, 50) : null,
        latencyP99Us: latencies.length ? percentile(latencies, 99) : null,
      };
    };

    for (const mode of MODES) await measure(mode); // warm-up
    const measured = new Map<Mode, Measurement[]>();
    for (let round = 0; round < options.rounds; round += 1) {
      const order = MODES.map((_, i) => MODES[(i + round) % MODES.length]!);
      for (const mode of order) measured.set(mode, [...(measured.get(mode) ?? []), await measure(mode)]);
    }
    const stats = recorder.stats();
    if (stats.failedWrites > 0) throw new Error(`ledger writes failed: ${JSON.stringify(stats)}`);

    const ceiling = measured.get('1,000 per transaction')!;
    const perCall = measured.get('transaction per call, inline checkpoints')!;
    const figures: Record<string, unknown> = {};
    const rows: Cell[][] = MODES.map((mode) => {
      const rounds = measured.get(mode)!;
      const figure = {
        callsPerSecond: median(rounds.map((r) => r.callsPerSecond)),
        cpuUsPerCall: median(rounds.map((r) => r.cpuUsPerCall)),
        latencyP50Us: rounds[0]!.latencyP50Us === null ? null : median(rounds.map((r) => r.latencyP50Us!)),
        latencyP99Us: rounds[0]!.latencyP99Us === null ? null : median(rounds.map((r) => r.latencyP99Us!)),
        vsTransactionPerCall: median(rounds.map((r, i) => r.callsPerSecond / perCall[i]!.callsPerSecond)),
        vsCeiling: median(rounds.map((r, i) => r.callsPerSecond / ceiling[i]!.callsPerSecond)),
        rounds,
      };
      figures[mode] = figure;
      return [mode, Math.round(figure.callsPerSecond), figure.cpuUsPerCall, figure.latencyP50Us, figure.latencyP99Us, `${figure.vsTransactionPerCall.toFixed(2)}x`, `${(figure.vsCeiling * 100).toFixed(0)}%`];
    });
    printTable(
      `Ledger writes (medians of ${options.rounds} rounds; ratios within each round)`,
      ['mode', 'calls/s', 'CPU µs/call (all threads)', 'write p50 µs', 'write p99 µs', 'vs before', 'vs 1,000/txn'],
      rows,
      [0, 0, 1, 0, 0, 0, 0],
    );
    const sustained = (figures['recorder, 16 in flight'] as { callsPerSecond: number }).callsPerSecond;
    const targetsMet = { atLeast20000CallsPerSecondAt16InFlight: sustained >= 20_000 };
    process.stdout.write(`targets: ${JSON.stringify(targetsMet)}\n`);
    const results = { callsPerRound, rounds: options.rounds, prefilledCalls: 100_000, figures, targetsMet };
    if (!options.quick) saveResults('ledger', results);
    return results;
  } finally {
    await recorder.close();
    await checkpoints?.stop();
    await ledger.close();
    scratch.remove();
  }
}

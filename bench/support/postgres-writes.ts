/**
 * Ledger writes, SQLite and PostgreSQL side by side: calls recorded per second through the
 * recorder `serve` uses (group commit), with 1, 16 and 64 calls in flight, for a fixed time per
 * measurement, on ledgers that already hold 100,000 calls. SQLite is a WAL file with background
 * checkpoints, as `serve` runs it; PostgreSQL a database of the benchmark's server, its pool of 10.
 */
import type * as CallRecorderModule from '../../src/ledger/call-recorder.js';
import type * as Checkpoints from '../../src/ledger/sqlite/background-checkpoints.js';
import type * as OpenLedgerModule from '../../src/ledger/open-ledger.js';
import type * as SqliteLedgerModule from '../../src/ledger/sqlite/sqlite-ledger.js';
import type * as Logging from '../../src/logging/logger.js';
import type * as CallId from '../../src/recording/call-id.js';
import type { LlmCall } from '../../src/ledger/types.js';
import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { BUILD_DIR, buildSources, importBuilt } from './build.js';
import { benchCall } from './calls.js';
import { scratchDir } from './scratch.js';
import { percentile } from './stats.js';

/** Calls in flight at once: one after another, and two levels of concurrent load. */
export const IN_FLIGHT = [1, 16, 64] as const;

/** One measurement of one store at one level. */
export interface WriteMeasurement {
  callsPerSecond: number;
  /** From `record()` to its promise settling: the call committed. */
  latencyP50Us: number;
  latencyP99Us: number;
}

/** The two ledgers, each with its recorder, ready to measure. */
export async function openWriteLedgers({ postgresUrl }: { postgresUrl: string }) {
  const { CallRecorder } = await importBuilt<typeof CallRecorderModule>('ledger/call-recorder.js');
  const { startBackgroundCheckpoints } = await importBuilt<typeof Checkpoints>('ledger/sqlite/background-checkpoints.js');
  const { openSqliteLedger } = await importBuilt<typeof SqliteLedgerModule>('ledger/sqlite/sqlite-ledger.js');
  const { openLedger } = await importBuilt<typeof OpenLedgerModule>('ledger/open-ledger.js');
  const { silentLogger } = await importBuilt<typeof Logging>('logging/logger.js');
  const { newCallId } = await importBuilt<typeof CallId>('recording/call-id.js');
  let n = 0;
  let clock = Date.UTC(2026, 0, 1);
  const next = (): LlmCall => {
    const call = benchCall({ startedAt: (clock += 7), n: (n += 1) });
    return { ...call, id: newCallId(call.startedAt) };
  };
  const prefill = () => Array.from({ length: 100_000 }, next);

  const scratch = scratchDir('postgres-writes');
  const sqlite = openSqliteLedger({ path: scratch.file('ledger.db') });
  const calls = prefill();
  for (let i = 0; i < calls.length; i += 1_000) sqlite.recordCallsSync(calls.slice(i, i + 1_000));
  const checkpoints = startBackgroundCheckpoints({ db: sqlite.db, path: scratch.file('ledger.db'), logger: silentLogger });
  const postgres = await openLedger(postgresUrl);
  const pgCalls = prefill();
  for (let i = 0; i < pgCalls.length; i += 1_000) await postgres.recordBatch({ calls: pgCalls.slice(i, i + 1_000), events: [] });

  // A commit wait far above any commit: record() resolves when the call is committed, what is measured here.
  const recorders = {
    SQLite: new CallRecorder({ ledger: sqlite, logger: silentLogger, groupCommit: true }),
    PostgreSQL: new CallRecorder({ ledger: postgres, logger: silentLogger, groupCommit: true, commitWaitMs: 60_000 }),
  };

  /** Records calls `inFlight` at a time for `seconds`. */
  const measure = async (store: keyof typeof recorders, inFlight: number, seconds: number): Promise<WriteMeasurement> => {
    const recorder = recorders[store];
    const latencies: number[] = [];
    const timed = async () => {
      const t0 = process.hrtime.bigint();
      await recorder.record(next());
      latencies.push(Number(process.hrtime.bigint() - t0) / 1e3);
    };
    const t0 = process.hrtime.bigint();
    const deadline = t0 + BigInt(Math.round(seconds * 1e9));
    while (process.hrtime.bigint() < deadline) await Promise.all(Array.from({ length: inFlight }, timed));
    const elapsed = Number(process.hrtime.bigint() - t0) / 1e9;
    return { callsPerSecond: latencies.length / elapsed, latencyP50Us: percentile(latencies, 50), latencyP99Us: percentile(latencies, 99) };
  };

  return {
    measure,
    stats: () => ({ SQLite: recorders.SQLite.stats(), PostgreSQL: recorders.PostgreSQL.stats() }),
    async close() {
      await recorders.SQLite.close();
      await recorders.PostgreSQL.close();
      await checkpoints.stop();
      await sqlite.close();
      await postgres.close();
      scratch.remove();
    },
  };
}

/**
 * `processes` writer processes (`pg-writer.mjs`), each with its own recorder and pool as a
 * replica has, recording `inFlight` calls at a time into one PostgreSQL database for `seconds`,
 * all at once: the calls committed per second, all processes together.
 */
export async function startWriterProcesses({ postgresUrl, processes }: { postgresUrl: string; processes: number }) {
  buildSources();
  const script = fileURLToPath(new URL('./pg-writer.mjs', import.meta.url));
  const children = await Promise.all(Array.from({ length: processes }, (_, i) => new Promise<ChildProcess>((resolve, reject) => {
    const child = fork(script, [BUILD_DIR, postgresUrl, String(i)], { stdio: ['ignore', 'ignore', 'inherit', 'ipc'] });
    child.once('message', () => resolve(child));
    child.once('exit', (code) => reject(new Error(`writer ${i} exited with ${code}`)));
  })));
  const ask = (child: ChildProcess, message: object) => new Promise<{ calls: number; seconds: number; failed: number }>((resolve) => {
    child.once('message', (reply) => resolve(reply as { calls: number; seconds: number; failed: number }));
    child.send(message);
  });
  return {
    async measure({ inFlight, seconds }: { inFlight: number; seconds: number }): Promise<{ callsPerSecond: number; failed: number }> {
      const results = await Promise.all(children.map((child) => ask(child, { type: 'go', inFlight, seconds })));
      return { callsPerSecond: results.reduce((sum, r) => sum + r.calls / r.seconds, 0), failed: results.reduce((sum, r) => sum + r.failed, 0) };
    },
    async stop() {
      await Promise.all(children.map((child) => new Promise<void>((resolve) => {
        child.removeAllListeners('exit');
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      })));
    },
  };
}

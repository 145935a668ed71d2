/**
 * Which PostgreSQL driver the ledger uses, measured: node-postgres (`pg`) against `postgres`
 * (postgres.js), on the ledger's own write, one statement that inserts a group of call rows
 * (`INSERT ... SELECT ... FROM jsonb_array_elements($1::jsonb) ON CONFLICT (id) DO NOTHING`, the
 * same text and parameter for both), in groups of 1, 16 and 64 calls (the recorder's group commit at 1,
 * 16 and 64 calls in flight), one group after another, on a local PostgreSQL 18 with its
 * durable defaults (fsync on, synchronous_commit on) holding 100,000 calls. Figures: calls per
 * second and the client's CPU per call (what the proxy's event loop pays), medians of rounds that
 * alternate the drivers.
 *
 * Run: `npm run bench -- postgres-driver` (or `npx tsx bench/postgres-driver.ts`).
 */
import pg from 'pg';
import postgres from 'postgres';
import { callsParameter, INSERT_CALLS_SQL } from '../src/ledger/postgres/call-rows.js';
import { callToRow } from '../src/ledger/sqlite/call-store.js';
import { openPostgresLedger } from '../src/ledger/postgres/postgres-ledger.js';
import type { LlmCall } from '../src/ledger/types.js';
import { startTestPostgres } from '../test/support/postgres-server.js';
import { benchCall } from './support/calls.js';
import type { BenchOptions } from './support/options.js';
import { saveResults } from './support/results.js';
import { median } from './support/stats.js';
import { printTable, type Cell } from './support/table.js';

type Driver = 'pg' | 'postgres' | 'pg client';
const GROUPS = [1, 16, 64] as const;

interface Sample {
  callsPerSecond: number;
  cpuUsPerCall: number;
}

/** Runs the driver comparison and returns what it saved. */
export async function runPostgresDriverBenchmark(options: Pick<BenchOptions, 'rounds' | 'quick'>) {
  const server = await startTestPostgres({ durable: true });
  const url = server.url.replace(/\/postgres$/, '/cpr_bench');
  const admin = new pg.Client({ connectionString: server.url });
  await admin.connect();
  await admin.query('CREATE DATABASE cpr_bench');
  await admin.end();
  let n = 0;
  let clock = Date.UTC(2026, 0, 1);
  const next = (): LlmCall => benchCall({ startedAt: (clock += 7), n: (n += 1) });
  const ledger = await openPostgresLedger({ url, poolSize: 1 });
  for (let i = 0; i < 100; i++) await ledger.recordBatch({ calls: Array.from({ length: 1_000 }, next), events: [] });
  await ledger.close();
  const pgPool = new pg.Pool({ connectionString: url, max: 1 });
  const sql = postgres(url, { max: 1, onnotice: false });
  const pgClient = new pg.Client({ connectionString: url });
  await pgClient.connect();
  const insert: Record<Driver, (calls: LlmCall[]) => Promise<unknown>> = {
    pg: (calls) => pgPool.query({ name: 'cpr-insert-calls', text: INSERT_CALLS_SQL, values: callsParameter(calls) }),
    'pg client': (calls) => pgClient.query({ name: 'cpr-insert-calls', text: INSERT_CALLS_SQL, values: callsParameter(calls) }),
    // postgres.js writes a jsonb parameter itself (JSON.stringify of the value): it is given the rows, not their text.
    postgres: (calls) => sql.unsafe(INSERT_CALLS_SQL, [calls.map(callToRow) as never], { prepare: true }),
  };
  const callsPerSample = options.quick ? 2_000 : 8_000;
  const samples = new Map<string, Sample[]>();
  try {
    // Warm both (connections, prepared statements, types).
    for (const driver of ['pg', 'postgres', 'pg client'] as const) await insert[driver](Array.from({ length: 64 }, next));
    for (let round = 0; round < options.rounds; round++) {
      for (const group of GROUPS) {
        for (const driver of (round % 2 === 0 ? ['pg', 'postgres', 'pg client'] : ['pg client', 'postgres', 'pg']) as Driver[]) {
          const batches = Array.from({ length: Math.ceil(callsPerSample / group) }, () => Array.from({ length: group }, next));
          const cpu0 = process.cpuUsage();
          const t0 = process.hrtime.bigint();
          for (const batch of batches) await insert[driver](batch);
          const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
          const cpu = process.cpuUsage(cpu0);
          const calls = batches.length * group;
          const key = `${driver} ${group}`;
          samples.set(key, [...samples.get(key) ?? [], { callsPerSecond: calls / seconds, cpuUsPerCall: (cpu.user + cpu.system) / calls }]);
        }
      }
    }
  } finally {
    await pgPool.end();
    await pgClient.end();
    await sql.end();
    await server.close();
  }
  const figures = Object.fromEntries([...samples].map(([key, list]) => [key, {
    callsPerSecond: median(list.map((s) => s.callsPerSecond)), cpuUsPerCall: median(list.map((s) => s.cpuUsPerCall)),
  }]));
  const rows: Cell[][] = GROUPS.map((group) => {
    const a = figures[`pg ${group}`]!;
    const b = figures[`postgres ${group}`]!;
    const c = figures[`pg client ${group}`]!;
    return [`${group} per statement`, a.callsPerSecond, c.callsPerSecond, b.callsPerSecond, a.callsPerSecond / b.callsPerSecond, a.cpuUsPerCall, c.cpuUsPerCall, b.cpuUsPerCall];
  });
  printTable(`PostgreSQL drivers, ${options.rounds} rounds, medians (${callsPerSample} calls per sample)`,
    ['group', 'pg pool calls/s', 'pg client calls/s', 'postgres calls/s', 'pg pool / postgres', 'pg pool CPU us/call', 'pg client CPU us/call', 'postgres CPU us/call'], rows);
  if (!options.quick) saveResults('postgres-driver', { figures });
  return figures;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  await runPostgresDriverBenchmark({ rounds: Number(process.env.ROUNDS ?? 5), quick: process.env.QUICK === '1' });
}

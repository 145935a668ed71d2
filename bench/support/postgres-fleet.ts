/**
 * Three proxies on one PostgreSQL against the bare proxy: non-streamed chat completions at
 * concurrency 16 per proxy, (a) one proxy alone, cpr-meter and bare, and (b) three at once, three
 * cpr-meter processes recording into one PostgreSQL database and three bare proxies, every
 * process its own, in front of one fake upstream. Calls recorded per second are counted in
 * PostgreSQL (rows before and after, over the wall time of the load).
 */
import pg from 'pg';
import { CHAT_BODY, CHAT_HEADERS } from './chat-request.js';
import { startBareProxyProcess, startCprProcess, startUpstreamProcess, type Child } from './child.js';
import { BENCH_BUILD_DIR, BUILD_DIR, buildSources } from './build.js';
import { runLoad, type LoadResult, type LoadTool } from './load.js';

/** What one load of the fleet measured. */
export interface FleetMeasurement {
  /** Requests per second of each proxy loaded, in order. */
  perProxy: number[];
  total: number;
  errors: number;
  p50Ms: number;
  p99Ms: number;
  /** Rows added to PostgreSQL per second of the load (cpr-meter only). */
  recordedPerSecond: number | null;
}

/** The kinds of load measured each round. */
export const FLEET_RUNS = ['bare, 1 proxy', 'cpr-meter on SQLite, 1 proxy', 'cpr-meter on PostgreSQL, 1 proxy', 'cpr-meter on PostgreSQL, async commit, 1 proxy',
  'bare, 3 proxies', 'cpr-meter on PostgreSQL, 3 proxies', 'cpr-meter on PostgreSQL, async commit, 3 proxies'] as const;
export type FleetRun = (typeof FLEET_RUNS)[number];

/**
 * Starts the fake upstream, three bare proxies, three cpr-meter processes on `postgresUrl`, three
 * on `asyncCommitUrl` (a database whose commits do not wait for the WAL flush) and one on the
 * SQLite file `sqlitePath` (the embedded baseline).
 */
export async function startFleet({ postgresUrl, asyncCommitUrl, sqlitePath }: { postgresUrl: string; asyncCommitUrl: string; sqlitePath: string }) {
  buildSources();
  const children: Child[] = [];
  const started = async (child: Promise<Child>) => {
    const c = await child;
    children.push(c);
    return c;
  };
  try {
    const upstream = await started(startUpstreamProcess(BENCH_BUILD_DIR));
    const bare = await Promise.all([0, 1, 2].map(() => started(startBareProxyProcess(BENCH_BUILD_DIR, upstream.url))));
    // One after the other: the first applies the migrations, the others find them applied.
    const three = async (db: string) => {
      const cpr: Child[] = [];
      for (let i = 0; i < 3; i += 1) cpr.push(await started(startCprProcess(BUILD_DIR, upstream.url, db)));
      return cpr;
    };
    const cpr = await three(postgresUrl);
    const cprAsync = await three(asyncCommitUrl);
    const cprSqlite = await started(startCprProcess(BUILD_DIR, upstream.url, sqlitePath));
    const clients = { [postgresUrl]: new pg.Client({ connectionString: postgresUrl }), [asyncCommitUrl]: new pg.Client({ connectionString: asyncCommitUrl }) };
    for (const client of Object.values(clients)) await client.connect();
    const rowsOf = async (db: string) => Number((await clients[db]!.query('SELECT COUNT(*) AS n FROM llm_calls')).rows[0].n);

    const load = async (targets: Child[], { durationS, tool, recorded }: { durationS: number; tool: LoadTool; recorded?: string }): Promise<FleetMeasurement> => {
      const rows = () => (recorded === undefined ? Promise.resolve(0) : rowsOf(recorded));
      const before = await rows();
      const t0 = performance.now();
      const results: LoadResult[] = await Promise.all(targets.map((t) =>
        runLoad({ url: `${t.url}/v1/chat/completions`, headers: CHAT_HEADERS, body: CHAT_BODY }, { connections: 16, durationS, tool })));
      const seconds = (performance.now() - t0) / 1000;
      // Rows committed before each response's end: counted right after the load, nothing is on its way.
      const after = await rows();
      const perProxy = results.map((r) => r.requestsPerSecond);
      return {
        perProxy, total: perProxy.reduce((a, b) => a + b, 0), errors: results.reduce((sum, r) => sum + r.errors, 0),
        p50Ms: Math.max(...results.map((r) => r.p50Ms)), p99Ms: Math.max(...results.map((r) => r.p99Ms)),
        recordedPerSecond: recorded === undefined ? null : (after - before) / seconds,
      };
    };

    return {
      /** One load of `run`. */
      measure(run: FleetRun, options: { durationS: number; tool: LoadTool }): Promise<FleetMeasurement> {
        switch (run) {
          case 'bare, 1 proxy': return load(bare.slice(0, 1), options);
          case 'cpr-meter on SQLite, 1 proxy': return load([cprSqlite], options);
          case 'cpr-meter on PostgreSQL, 1 proxy': return load(cpr.slice(0, 1), { ...options, recorded: postgresUrl });
          case 'cpr-meter on PostgreSQL, async commit, 1 proxy': return load(cprAsync.slice(0, 1), { ...options, recorded: asyncCommitUrl });
          case 'bare, 3 proxies': return load(bare, options);
          case 'cpr-meter on PostgreSQL, 3 proxies': return load(cpr, { ...options, recorded: postgresUrl });
          default: return load(cprAsync, { ...options, recorded: asyncCommitUrl });
        }
      },
      async stop() {
        for (const client of Object.values(clients)) await client.end();
        for (const child of children.reverse()) await child.stop();
      },
    };
  } catch (error) {
    for (const child of children.reverse()) await child.stop();
    throw error;
  }
}

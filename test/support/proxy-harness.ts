import OpenAI from 'openai';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { startServer, type CprServer, type StartServerOptions } from '../../src/server/start-server.js';
import { silentLogger } from '../../src/logging/logger.js';
import { tempDir } from './temp-dir.js';

/** A row of `llm_calls` as SQLite returns it. */
export type CallRow = Record<string, string | number | null>;

/** A simulated upstream, cpr-meter in front of it on a temp database, and an OpenAI client through it. */
export interface ProxyHarness {
  sim: SimulatedUpstream;
  cpr: CprServer;
  client: OpenAI;
  dbPath: string;
  /** Every ledger row, oldest first. */
  rows(): CallRow[];
  /** The row of a call id. */
  row(id: string): CallRow;
  close(): Promise<void>;
}

/** Starts the harness; `options` (or what it returns for the simulated upstream) are passed to `startServer`. */
export async function startProxyHarness(given: StartServerOptions | ((sim: SimulatedUpstream) => StartServerOptions) = {}): Promise<ProxyHarness> {
  const dir = tempDir();
  const sim = await startSimulatedUpstream();
  const options = typeof given === 'function' ? given(sim) : given;
  const dbPath = dir.file('ledger.db');
  const cpr = await startServer({
    port: 0,
    db: dbPath,
    upstream: sim.openaiBaseUrl,
    anthropicUpstream: sim.anthropicBaseUrl,
    logger: silentLogger,
    env: {},
    ...options,
  });
  const client = new OpenAI({ apiKey: 'sk-test-client', baseURL: `${cpr.url}/v1`, maxRetries: 0 });
  return {
    sim, cpr, client, dbPath,
    rows: () => cpr.ledger.db.prepare('SELECT * FROM llm_calls ORDER BY started_at, rowid').all() as CallRow[],
    row: (id) => cpr.ledger.db.prepare('SELECT * FROM llm_calls WHERE id = ?').get(id) as CallRow,
    async close() {
      // A client may hold a connection it opened but never used; Node counts it as busy, so the
      // graceful stop would wait for its deadline. Tests need not wait that long.
      await cpr.close({ graceMs: 500 });
      await sim.close();
      dir.remove();
    },
  };
}

/** Waits until `check` returns a truthy value, polling; fails after `timeoutMs`. */
export async function eventually<T>(check: () => T | undefined | null | false, timeoutMs = 5000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

import { describe, expect, it } from 'vitest';
import { silentLogger } from '../../src/logging/logger.js';
import { startServer } from '../../src/server/start-server.js';
import { startSimulatedUpstream } from '../../src/simulator/index.js';
import { tempDir } from '../support/temp-dir.js';
import { runExample } from './run-example.js';

// Each test runs the example in a child process: ~2 s alone; the timeout leaves room for a busy machine.
describe('examples/sdk-through-proxy', { timeout: 40_000 }, () => {
  it('runs alone: starts a proxy on the simulated upstream, makes four calls and prints what the ledger holds', async () => {
    const run = await runExample('sdk-through-proxy/main.ts');
    expect(run.stderr).toBe('');
    expect(run.code).toBe(0);
    expect(run.stdout).toContain('SIMULATED upstream');
    // Plain + streamed chat on chat-1001 (ticket T-1001), one on chat-1002 by the /c/ base URL, one unattributed embeddings call.
    expect(run.stdout).toMatch(/GET \/api\/report \(last 30 days\): 4 LLM calls, 2 conversations, 2 tickets/);
    for (const cell of ["'chat-1001'", "'T-1001'", "'chat-1002'", "'embeddings'"]) expect(run.stdout).toContain(cell);
  });

  it('uses the running proxy named by CPR_PROXY_URL, which records the calls with their attribution', async () => {
    const dir = tempDir('cpr-example-sdk-');
    const sim = await startSimulatedUpstream();
    const cpr = await startServer({ port: 0, db: dir.file('ledger.db'), upstream: sim.openaiBaseUrl, env: {}, logger: silentLogger });
    try {
      const run = await runExample('sdk-through-proxy/main.ts', { env: { CPR_PROXY_URL: cpr.url } });
      expect(run.code).toBe(0);
      expect(run.stdout).toContain(`Proxy: ${cpr.url} (CPR_PROXY_URL)`);
      expect(run.stdout).not.toContain('SIMULATED'); // the example started no upstream of its own
      const rows = cpr.ledger.db.prepare('SELECT operation, conversation_id, ticket_id, streamed FROM llm_calls ORDER BY started_at').raw().all();
      expect(rows).toEqual([
        ['chat', 'chat-1001', 'T-1001', 0],
        ['chat', 'chat-1001', 'T-1001', 1],
        ['chat', 'chat-1002', null, 0],
        ['embeddings', null, null, 0],
      ]);
      // The attribution headers stop at the proxy.
      expect(sim.requests.map((r) => Object.keys(r.headers).filter((h) => h.startsWith('x-cpr-')))).toEqual([[], [], [], []]);
    } finally {
      await cpr.close();
      await sim.close();
      dir.remove();
    }
  });
});

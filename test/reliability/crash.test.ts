import BetterSqlite3 from 'better-sqlite3';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { tempDir } from '../support/temp-dir.js';
import { startServeChild, stopChild, type ServeChild } from './cli-process.js';

/** Crash cycles: 2 in `npm test`, more under `npm run soak`. */
const CYCLES = process.env.CPR_SOAK_SECONDS ? 6 : 2;
const WORKERS = 6;

let dir: ReturnType<typeof tempDir>;
let db: string;
let sim: SimulatedUpstream;
let serve: ServeChild | undefined;

beforeAll(async () => {
  dir = tempDir('cpr-crash-');
  db = dir.file('ledger.db');
  sim = await startSimulatedUpstream();
});
afterEach(async () => stopChild(serve));
afterAll(async () => {
  await sim.close();
  dir.remove();
});

/** Opens the file as a new process would after the crash, checks it, and returns its call ids. */
function inspect(): { integrity: unknown; ids: Set<string> } {
  const conn = new BetterSqlite3(db);
  try {
    return {
      integrity: conn.pragma('integrity_check', { simple: true }),
      ids: new Set(conn.prepare('SELECT id FROM llm_calls').pluck().all() as string[]),
    };
  } finally {
    conn.close();
  }
}

/**
 * Calls through the proxy until `stop()` says so; returns the ids (`x-cpr-call-id`) of the calls
 * whose response the client received IN FULL: a parsed JSON body, or a stream read to its
 * finish reason.
 */
function driveLoad(url: string) {
  const client = new OpenAI({ apiKey: 'sk-test-client', baseURL: `${url}/v1`, maxRetries: 0 });
  const received: string[] = [];
  let stopped = false;
  const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Where is my parcel?' }] };
  const workers = Array.from({ length: WORKERS }, async (_, w) => {
    for (let n = 0; !stopped; n += 1) {
      sim.enqueue({ chunks: 8, chunkDelayMs: 3 }); // the same script for all: order does not matter
      try {
        if ((n + w) % 2 === 0) {
          const { response } = await client.chat.completions.create(body).withResponse();
          received.push(response.headers.get('x-cpr-call-id')!);
        } else {
          const { data, response } = await client.chat.completions.create({ ...body, stream: true }).withResponse();
          let finish: string | null = null;
          for await (const chunk of data) finish = chunk.choices[0]?.finish_reason ?? finish;
          if (finish !== null) received.push(response.headers.get('x-cpr-call-id')!);
        }
      } catch {
        // The proxy died under this call: the client did not receive it in full.
      }
    }
  });
  return {
    received,
    async stop() {
      stopped = true;
      await Promise.all(workers);
    },
  };
}

describe('kill -9 of cpr-meter serve under load', () => {
  it('keeps every call whose response a client received in full, in a database that opens cleanly', async () => {
    let totalReceived = 0;
    for (let cycle = 1; cycle <= CYCLES; cycle += 1) {
      serve = await startServeChild({ db, upstream: sim.openaiBaseUrl });
      const load = driveLoad(serve.url);
      // Let the load run, then kill the server in the middle of it (streams in flight).
      const deadline = Date.now() + 15_000; // on a busy machine, settle for fewer
      while (load.received.length < 40 && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 200));
      serve.child.kill('SIGKILL');
      expect((await serve.exited).signal).toBe('SIGKILL');
      await load.stop();
      const received = load.received;
      expect(received.length).toBeGreaterThanOrEqual(10);
      totalReceived += received.length;

      // Restart on the same file: it opens (WAL recovery, migrations) and serves.
      serve = await startServeChild({ db, upstream: sim.openaiBaseUrl });
      const health = (await (await fetch(`${serve.url}/healthz`)).json()) as { status: string };
      expect(health.status).toBe('ok');
      const { integrity, ids } = inspect();
      expect(integrity).toBe('ok');
      const missing = received.filter((id) => !ids.has(id));
      console.log(`crash cycle ${cycle}: ${received.length} calls received in full before kill -9, ${ids.size} rows after restart, missing ${missing.length}`);
      expect(missing).toEqual([]);
      serve.child.kill('SIGTERM');
      expect((await serve.exited).code).toBe(0);
    }
    expect(totalReceived).toBeGreaterThanOrEqual(CYCLES * 10);
  }, 30_000 + CYCLES * 20_000);
});

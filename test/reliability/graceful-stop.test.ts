import BetterSqlite3 from 'better-sqlite3';
import { existsSync } from 'node:fs';
import { connect } from 'node:net';
import OpenAI from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { tempDir } from '../support/temp-dir.js';
import { startServeChild, stopChild, type ServeChild } from './cli-process.js';

let dir: ReturnType<typeof tempDir>;
let sim: SimulatedUpstream;
let serve: ServeChild | undefined;

beforeAll(async () => {
  dir = tempDir('cpr-stop-');
  sim = await startSimulatedUpstream();
});
afterEach(async () => {
  await stopChild(serve);
  sim.reset();
});
afterAll(async () => {
  await sim.close();
  dir.remove();
});

const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Tell me about my refund.' }] };

/** Starts a stream and resolves once its first chunk arrived; `done` resolves with what it received. */
async function openStream(client: OpenAI) {
  const { data, response } = await client.chat.completions.create({ ...body, stream: true }).withResponse();
  const iterator = data[Symbol.asyncIterator]();
  const first = await iterator.next();
  const done = (async () => {
    let text = first.done ? '' : first.value.choices[0]?.delta.content ?? '';
    let finish: string | null = null;
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      text += next.value.choices[0]?.delta.content ?? '';
      finish = next.value.choices[0]?.finish_reason ?? finish;
    }
    return { text, finish };
  })();
  done.catch(() => {});
  return { id: response.headers.get('x-cpr-call-id')!, done };
}

/** Resolves with the error code of a new TCP connection to `url` (or 'connected'). */
function tryConnect(url: string): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect(Number(port), hostname);
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

function rowsOf(db: string): Array<Record<string, unknown>> {
  const conn = new BetterSqlite3(db, { readonly: true });
  try {
    return conn.prepare('SELECT id, status, streamed, error_type FROM llm_calls').all() as Array<Record<string, unknown>>;
  } finally {
    conn.close();
  }
}

describe('SIGTERM', () => {
  it('stops accepting, lets in-flight streams finish, writes their rows, closes the database and exits 0', async () => {
    const db = dir.file('graceful.db');
    serve = await startServeChild({ db, upstream: sim.openaiBaseUrl });
    const client = new OpenAI({ apiKey: 'sk-test-client', baseURL: `${serve.url}/v1`, maxRetries: 0 });
    // Four streams of 10 chunks, 100 ms apart: each has about a second to go at the signal.
    for (let i = 0; i < 4; i += 1) sim.enqueue({ text: 'one two three four five six seven eight nine ten', chunks: 10, chunkDelayMs: 100 });
    const streams = await Promise.all(Array.from({ length: 4 }, () => openStream(client)));

    const signalledAt = Date.now();
    serve.child.kill('SIGTERM');
    await new Promise((resolve) => setTimeout(resolve, 150));
    expect(await tryConnect(serve.url)).toBe('ECONNREFUSED');

    const finished = await Promise.all(streams.map((s) => s.done));
    for (const { text, finish } of finished) {
      expect(finish).toBe('stop');
      expect(text.trim().split(/\s+/)).toHaveLength(10);
    }
    const { code } = await serve.exited;
    expect(code).toBe(0);
    expect(Date.now() - signalledAt).toBeLessThan(8_000); // the streams' own second, on a busy machine
    expect(serve.stderr()).toContain('SIGTERM received');

    // Closed cleanly: the last connection checkpointed the WAL into the file and removed it.
    expect(existsSync(`${db}-wal`)).toBe(false);
    const rows = rowsOf(db);
    expect(rows.map((r) => r.id).sort()).toEqual(streams.map((s) => s.id).sort());
    expect(rows.every((r) => r.status === 'ok' && r.streamed === 1)).toBe(true);
  }, 30_000);

  it('cuts what is still running at the deadline (--shutdown-grace-ms), records it as aborted, and exits 0', async () => {
    const db = dir.file('deadline.db');
    serve = await startServeChild({ db, upstream: sim.openaiBaseUrl, args: ['--shutdown-grace-ms', '300'] });
    const client = new OpenAI({ apiKey: 'sk-test-client', baseURL: `${serve.url}/v1`, maxRetries: 0 });
    sim.enqueue({ chunks: 10, stallAfterChunks: 2 }); // never finishes by itself
    const stream = await openStream(client);

    const signalledAt = Date.now();
    serve.child.kill('SIGTERM');
    const { code } = await serve.exited;
    const tookMs = Date.now() - signalledAt;
    expect(code).toBe(0);
    expect(tookMs).toBeGreaterThanOrEqual(300);
    expect(tookMs).toBeLessThan(5_000); // far below the default 10 s: the option took effect
    expect((await stream.done.then(() => 'ended', () => 'cut'))).toBe('cut');
    expect(serve.stderr()).toContain('up to 300 ms');

    const rows = rowsOf(db);
    expect(rows).toEqual([expect.objectContaining({ id: stream.id, status: 'aborted', streamed: 1 })]);
  }, 30_000);
});

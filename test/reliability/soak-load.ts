import type OpenAI from 'openai';
import type { SimScript, SimulatedUpstream } from '../../src/simulator/index.js';

/*
 * The soak's mixed load, shared by the SQLite soak (soak.test.ts) and the fleet soak on
 * PostgreSQL (fleet-soak.test.ts): the kinds of call, their weights, what the upstream is scripted
 * to do, and the row each must leave.
 */

/** The row a call must leave; `httpStatus` lists the acceptable values. */
export type Expected = { status: 'ok' | 'error' | 'aborted'; httpStatus: ReadonlyArray<number | null>; errorType: string | null };

/** One kind of call: how it is sent, what the upstream is scripted to do, and the row it must leave. */
export interface Kind {
  name: string;
  weight: number;
  stream: boolean;
  script: SimScript;
  /** For disconnects: abort after this many stream chunks, or after this many ms (JSON). */
  abortAfterChunks?: number;
  abortAfterMs?: number;
  expected: Expected;
}

const OK: Expected = { status: 'ok', httpStatus: [200], errorType: null };
const ABORTED: Expected = { status: 'aborted', httpStatus: [200], errorType: 'client_disconnected' };
// A client that leaves a JSON call may leave before the upstream's headers reach the proxy (no
// HTTP status then) or while the proxy reads the body (200): both are what happened.
const ABORTED_JSON: Expected = { ...ABORTED, httpStatus: [200, null] };
const CUT: Expected = { status: 'error', httpStatus: [200], errorType: 'upstream_stream_error' };

export const KINDS: Kind[] = [
  { name: 'json ok', weight: 30, stream: false, script: {}, expected: OK },
  { name: 'stream ok', weight: 30, stream: true, script: { chunks: 6, chunkDelayMs: 2 }, expected: OK },
  { name: 'stream, client leaves', weight: 8, stream: true, script: { chunks: 30, chunkDelayMs: 20 }, abortAfterChunks: 2, expected: ABORTED },
  { name: 'json, client leaves', weight: 5, stream: false, script: { stallAfterChunks: 1 }, abortAfterMs: 60, expected: ABORTED_JSON },
  { name: 'json 429', weight: 8, stream: false, script: { status: 429 }, expected: { status: 'error', httpStatus: [429], errorType: 'rate_limit_exceeded' } },
  { name: 'stream 500', weight: 6, stream: true, script: { status: 500 }, expected: { status: 'error', httpStatus: [500], errorType: null } },
  { name: 'stream cut by upstream', weight: 8, stream: true, script: { chunks: 10, destroyAfterChunks: 2 }, expected: CUT },
  { name: 'json cut by upstream', weight: 5, stream: false, script: { destroyAfterChunks: 1 }, expected: CUT },
];

export function pickKind(): Kind {
  let roll = Math.random() * KINDS.reduce((sum, k) => sum + k.weight, 0);
  for (const kind of KINDS) if ((roll -= kind.weight) < 0) return kind;
  return KINDS[0]!;
}


const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** What the client of one call saw: whether it agreed with the script, and when it was done. */
export interface CallOutcome {
  id: string;
  kind: Kind;
  /** The response was received in full (a body, a stream to its end, or an error status). */
  agrees: boolean;
  settledAt: number;
}

/**
 * The soak's calls against one simulated upstream, through any number of proxies: `oneCall`
 * sends one call of a kind through `client` and checks what the client saw against the script
 * (a person reads this as the oracle); `expected` holds the row each call must leave and
 * `surprises` what disagreed.
 */
export function soakLoad({ sim, workers }: { sim: SimulatedUpstream; workers: number }) {
  const expected = new Map<string, Expected & { kind: string }>();
  const surprises: string[] = [];
  let gate: Promise<void> = Promise.resolve();

  // The simulator hands out scripts first come, first served. So that each request gets the
  // script meant for it, one request at a time goes from "enqueued" to "taken by the
  // simulator" (its body read); the responses themselves overlap freely.
  async function dispatch<T>(id: string, script: SimScript, send: () => Promise<T>): Promise<{ result: Promise<T> }> {
    const previous = gate;
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      sim.enqueue(script);
      const result = send();
      result.catch(() => {}); // handled by the caller; not "unhandled" while we wait here
      const deadline = Date.now() + 5000;
      while (!sim.requests.slice(-workers * 2).some((r) => r.headers['x-soak-id'] === id && r.body !== '')) {
        if (Date.now() > deadline) throw new Error(`request ${id} never reached the upstream`);
        await sleep(1);
      }
      return { result };
    } finally {
      release();
    }
  }

  /**
   * `client` is the proxy to call through, or a function that picks one when the call's turn
   * comes (so that a proxy taken out of the rotation while the call waited is not called).
   */
  async function oneCall({ id, kind, client }: { id: string; kind: Kind; client: OpenAI | (() => OpenAI) }): Promise<CallOutcome> {
    expected.set(id, { ...kind.expected, kind: kind.name });
    const abort = new AbortController();
    const headers = { 'x-cpr-conversation-id': id, 'x-soak-id': id };
    const body = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: `Where is my order ${id}?` }] };
    const options = { headers, signal: abort.signal };
    const { result } = await dispatch(id, kind.script, async () => {
      const proxy = typeof client === 'function' ? client() : client;
      if (!kind.stream) return (await proxy.chat.completions.create(body, options)).choices[0]?.message.content ?? null;
      const stream = await proxy.chat.completions.create({ ...body, stream: true }, options);
      let chunks = 0;
      let finish: string | null = null;
      for await (const chunk of stream) {
        chunks += 1;
        finish = chunk.choices[0]?.finish_reason ?? finish;
        if (kind.abortAfterChunks !== undefined && chunks >= kind.abortAfterChunks) abort.abort();
      }
      return finish;
    });
    if (kind.abortAfterMs !== undefined) setTimeout(() => abort.abort(), kind.abortAfterMs);
    // What the client saw must agree with the script: a person reads this as the oracle.
    const outcome = await result.then((value) => ({ ok: true, value }), (error: unknown) => ({ ok: false, value: error as Error & { status?: number } }));
    const wanted = kind.expected;
    const agrees = wanted.status === 'ok' ? outcome.ok && outcome.value !== null
      // (The SDK ends a stream quietly when its own signal aborts it: no finish reason then.)
      : wanted.status === 'aborted' ? abort.signal.aborted && (!outcome.ok || outcome.value === null)
        : !outcome.ok && (wanted.httpStatus.includes(200) || wanted.httpStatus.includes((outcome.value as { status?: number }).status ?? null));
    if (!agrees) surprises.push(`${id} (${kind.name}): client saw ${outcome.ok ? 'success' : String(outcome.value)}`);
    return { id, kind, agrees, settledAt: Date.now() };
  }

  /** Runs `work` while no call is on its way to the upstream (every call sent so far has reached it). */
  async function between<T>(work: () => Promise<T>): Promise<T> {
    const previous = gate;
    let release!: () => void;
    gate = new Promise((resolve) => (release = resolve));
    await previous;
    try {
      return await work();
    } finally {
      release();
    }
  }

  return { expected, surprises, oneCall, between };
}

import OpenAI from 'openai';
import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startServer, type CprServer, type StartServerOptions } from '../../src/server/start-server.js';
import { startSimulatedUpstream, type SimulatedUpstream } from '../../src/simulator/index.js';
import { createCallTelemetry } from '../../src/telemetry/call-telemetry.js';
import { wrapOpenAI } from '../../src/wrapper/index.js';
import { eventually } from '../support/proxy-harness.js';
import { startScriptedUpstream, type RawRequest, type ScriptedUpstream } from '../support/scripted-upstream.js';
import { tempDir } from '../support/temp-dir.js';
import { plantSecret, setLeakTrap, type LeakTrap } from './leak-search.js';

/*
 * Plants recognisable secrets (a client's own API key, CPR_UPSTREAM_API_KEY, CPR_PROXY_TOKEN,
 * CPR_ADMIN_TOKEN), runs every path a call can take through the proxy and the wrapper, with
 * the logger at debug level and telemetry exported in memory, then searches the ledger files
 * (main, -wal, -shm), every log line and process warning, every error body cpr-meter wrote
 * itself, every span and every metric point for them. The upstream's own bodies, which the
 * proxy relays unchanged, are the upstream's answer and are not searched.
 */

const CLIENT_KEY = plantSecret('client');
const UPSTREAM_KEY = plantSecret('upstream');
const PROXY_TOKEN = plantSecret('proxy');
const ADMIN_TOKEN = plantSecret('admin');
const SECRETS = [CLIENT_KEY, UPSTREAM_KEY, PROXY_TOKEN, ADMIN_TOKEN];

const ask = { model: 'gpt-4o-mini', messages: [{ role: 'user' as const, content: 'Where is my parcel?' }] };

/** An upstream that refuses the call and echoes the credentials it got in every field of its error body. */
function echoCredentials(status: number, { stream = false } = {}) {
  return (req: RawRequest, res: ServerResponse) => {
    const credentials = [req.headers.authorization, req.headers['x-api-key']].filter(Boolean).join(' / ');
    const error = { message: `Incorrect API key provided: ${credentials}`, type: credentials, code: credentials, param: credentials };
    if (stream) {
      // Some gateways answer 200 and put the error in the stream.
      res.writeHead(200, { 'content-type': 'text/event-stream' });
      res.end(`data: ${JSON.stringify({ error })}\n\n`);
      return;
    }
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ type: 'error', error }));
  };
}

let trap: LeakTrap;
let sim: SimulatedUpstream;
let echo: ScriptedUpstream;
let silent: ScriptedUpstream;
const servers: CprServer[] = [];
const dir = tempDir();

/** A cpr-meter server on its own ledger file, logging into the trap and exporting its telemetry there. */
async function serve(name: string, options: StartServerOptions): Promise<CprServer> {
  const db = dir.file(`${name}.db`);
  const cpr = await startServer({ port: 0, db, logger: trap.logger, env: {}, upstream: sim.openaiBaseUrl,
    anthropicUpstream: sim.anthropicBaseUrl, ...options });
  cpr.recorder.onCall(createCallTelemetry({ tracer: trap.otel.tracerProvider.getTracer('cpr-meter'), meter: trap.otel.meterProvider.getMeter('cpr-meter') }));
  servers.push(cpr);
  trap.dbFiles.push(db);
  return cpr;
}

const rowCount = (cpr: CprServer) => cpr.ledger.db.prepare('SELECT COUNT(*) FROM llm_calls').pluck().get() as number;
const post = (cpr: CprServer, path: string, body: unknown, headers: Record<string, string>) =>
  fetch(`${cpr.url}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

beforeAll(async () => {
  trap = setLeakTrap();
  sim = await startSimulatedUpstream();
  echo = await startScriptedUpstream();
  silent = await startScriptedUpstream();
});
afterAll(async () => {
  trap.stop();
  for (const cpr of servers) await cpr.close({ graceMs: 200 });
  await Promise.all([sim.close(), echo.close(), silent.close()]);
  await trap.otel.shutdown();
  dir.remove();
});

describe('with the clients\' own keys passed through', () => {
  let cpr: CprServer;
  let client: OpenAI;
  beforeAll(async () => {
    cpr = await serve('pass-through', { maxBodyBytes: 64 * 1024 });
    client = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${cpr.url}/v1`, maxRetries: 0 });
  });

  it('runs successful calls, streamed and not, on every recorded route', async () => {
    await client.chat.completions.create(ask);
    for await (const _ of await client.chat.completions.create({ ...ask, stream: true })) void _;
    await client.responses.create({ model: 'gpt-4o-mini', input: 'hi' });
    await client.embeddings.create({ model: 'text-embedding-3-small', input: 'hi' });
    await client.completions.create({ model: 'gpt-3.5-turbo-instruct', prompt: 'hi' });
    const anthropic = await post(cpr, '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 20, messages: ask.messages },
      { 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' });
    expect(anthropic.status).toBe(200);
    // An unrecorded route is passed through with the key too.
    expect((await fetch(`${cpr.url}/v1/models`, { headers: { authorization: `Bearer ${CLIENT_KEY}` } })).status).toBeLessThan(500);
    expect(sim.requests.at(-1)!.headers.authorization).toBe(`Bearer ${CLIENT_KEY}`);
  });

  it('runs upstream errors, a stream the upstream cuts, and a client that leaves mid-stream', async () => {
    sim.enqueue({ status: 401 }, { status: 429 }, { status: 500 });
    for (let i = 0; i < 3; i++) await expect(client.chat.completions.create(ask)).rejects.toBeInstanceOf(OpenAI.APIError);
    sim.enqueue({ text: 'one two three four', chunks: 4, destroyAfterChunks: 2 });
    await expect((async () => {
      for await (const _ of await client.chat.completions.create({ ...ask, stream: true })) void _;
    })()).rejects.toBeInstanceOf(Error);
    sim.enqueue({ text: 'one two three four five', chunks: 5, stallAfterChunks: 2 });
    const controller = new AbortController();
    let seen = 0;
    await (async () => {
      for await (const _ of await client.chat.completions.create({ ...ask, stream: true }, { signal: controller.signal })) {
        if (++seen === 2) controller.abort();
      }
    })().catch(() => undefined);
    await eventually(() => sim.requests.at(-1)?.aborted);
  });

  it("refuses bad requests with cpr-meter's own errors: too large (413), bad attribution header (400), no route (404)", async () => {
    const big = await post(cpr, '/v1/chat/completions', { ...ask, padding: 'x'.repeat(70_000) }, { authorization: `Bearer ${CLIENT_KEY}` });
    expect(big.status).toBe(413);
    await trap.keepOwnError(big);
    const header = await post(cpr, '/v1/chat/completions', ask, { authorization: `Bearer ${CLIENT_KEY}`, 'x-cpr-ticket-id': `a\tb${CLIENT_KEY}` });
    expect(header.status).toBe(400);
    await trap.keepOwnError(header);
    const nowhere = await post(cpr, `/v2/${CLIENT_KEY}`, ask, { authorization: `Bearer ${CLIENT_KEY}` });
    expect(nowhere.status).toBe(404);
    const body = await trap.keepOwnError(nowhere);
    // The path is the client's own input, and is named in the answer: the only secret there is one the client put there itself.
    expect(body.error.message).toContain('/v2/');
    trap.ownErrorBodies.pop();
  });

  it('runs upstream error bodies that echo the credentials back, streamed and not, on both providers', async () => {
    const viaEcho = await serve('echo', { upstream: echo.url, anthropicUpstream: echo.url.replace(/\/v1$/, '') });
    const echoed = new OpenAI({ apiKey: CLIENT_KEY, baseURL: `${viaEcho.url}/v1`, maxRetries: 0 });
    echo.enqueue(echoCredentials(401), echoCredentials(400), echoCredentials(500), echoCredentials(200, { stream: true }));
    for (let i = 0; i < 3; i++) await expect(echoed.chat.completions.create(ask)).rejects.toBeInstanceOf(OpenAI.APIError);
    // The SDK throws on the error event; the proxy relayed the stream as it came.
    await expect((async () => {
      for await (const _ of await echoed.chat.completions.create({ ...ask, stream: true })) void _;
    })()).rejects.toBeInstanceOf(OpenAI.APIError);
    echo.enqueue(echoCredentials(401));
    const anthropic = await post(viaEcho, '/v1/messages', { model: 'claude-sonnet-4-5', max_tokens: 20, messages: ask.messages },
      { 'x-api-key': CLIENT_KEY, 'anthropic-version': '2023-06-01' });
    expect(anthropic.status).toBe(401);
    expect(await anthropic.text()).toContain(CLIENT_KEY); // the upstream's own body, relayed unchanged
    expect(rowCount(viaEcho)).toBe(5);
    // The ledger keeps the status, not the echoed text, as the error type.
    const types = viaEcho.ledger.db.prepare('SELECT error_type FROM llm_calls ORDER BY started_at, rowid').pluck().all();
    expect(types).toEqual(['http_401', 'http_400', 'http_500', null, 'http_401']);
  });

  it('runs an unreachable upstream (502) and one that never answers (504)', async () => {
    const down = await serve('down', { upstream: 'http://127.0.0.1:9/v1' });
    const res = await post(down, '/v1/chat/completions', ask, { authorization: `Bearer ${CLIENT_KEY}` });
    expect(res.status).toBe(502);
    await trap.keepOwnError(res);
    const slow = await serve('slow', { upstream: silent.url, upstreamTimeoutMs: 200 });
    silent.enqueue(() => undefined);
    const late = await post(slow, '/v1/chat/completions', ask, { authorization: `Bearer ${CLIENT_KEY}` });
    expect(late.status).toBe(504);
    await trap.keepOwnError(late);
    expect(rowCount(down) + rowCount(slow)).toBe(2);
  });

  it('runs the in-process wrapper: success, stream, echoed error, abort, unreachable', async () => {
    const deps = { recorder: cpr.recorder, prices: cpr.prices };
    const wrapped = wrapOpenAI(new OpenAI({ apiKey: CLIENT_KEY, baseURL: sim.openaiBaseUrl, maxRetries: 0 }), deps);
    const before = rowCount(cpr);
    await wrapped.chat.completions.create(ask);
    for await (const _ of await wrapped.chat.completions.create({ ...ask, stream: true })) void _;
    const echoing = wrapOpenAI(new OpenAI({ apiKey: CLIENT_KEY, baseURL: echo.url, maxRetries: 0 }), deps);
    echo.enqueue(echoCredentials(401));
    await expect(echoing.chat.completions.create(ask)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    sim.enqueue({ text: 'one two three four five', chunks: 5, stallAfterChunks: 2 });
    const controller = new AbortController();
    await (async () => {
      for await (const _ of await wrapped.chat.completions.create({ ...ask, stream: true }, { signal: controller.signal })) controller.abort();
    })().catch(() => undefined);
    const unreachable = wrapOpenAI(new OpenAI({ apiKey: CLIENT_KEY, baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0 }), deps);
    await expect(unreachable.chat.completions.create(ask)).rejects.toBeInstanceOf(OpenAI.APIConnectionError);
    await eventually(() => rowCount(cpr) === before + 5);
  });
});

describe('with CPR_UPSTREAM_API_KEY held by the proxy', () => {
  let cpr: CprServer;
  beforeAll(async () => {
    cpr = await serve('upstream-key', { upstreamApiKey: UPSTREAM_KEY, proxyToken: PROXY_TOKEN, adminToken: ADMIN_TOKEN });
  });

  it('runs calls with the proxy token, streamed and not, an upstream error and an echoing upstream', async () => {
    const client = new OpenAI({ apiKey: PROXY_TOKEN, baseURL: `${cpr.url}/v1`, maxRetries: 0 });
    await client.chat.completions.create(ask);
    for await (const _ of await client.chat.completions.create({ ...ask, stream: true })) void _;
    sim.enqueue({ status: 429 });
    await expect(client.chat.completions.create(ask)).rejects.toBeInstanceOf(OpenAI.RateLimitError);
    const viaEcho = await serve('upstream-key-echo', { upstream: echo.url, upstreamApiKey: UPSTREAM_KEY, proxyToken: PROXY_TOKEN });
    echo.enqueue(echoCredentials(401));
    const echoed = new OpenAI({ apiKey: PROXY_TOKEN, baseURL: `${viaEcho.url}/v1`, maxRetries: 0 });
    await expect(echoed.chat.completions.create(ask)).rejects.toBeInstanceOf(OpenAI.AuthenticationError);
    expect(echo.requests.at(-1)!.headers.authorization).toBe(`Bearer ${UPSTREAM_KEY}`);
  });

  it('refuses a missing or wrong proxy token (401), and a missing or wrong admin token on /api (401)', async () => {
    const wrong: Array<Record<string, string>> = [{}, { authorization: `Bearer ${CLIENT_KEY}` }, { 'x-api-key': `${PROXY_TOKEN}x` }];
    for (const headers of wrong) {
      const res = await post(cpr, '/v1/chat/completions', ask, headers);
      expect(res.status).toBe(401);
      await trap.keepOwnError(res);
    }
    const wrongAdmin: Array<Record<string, string>> = [{}, { authorization: `Bearer ${PROXY_TOKEN}` }];
    for (const headers of wrongAdmin) {
      const res = await fetch(`${cpr.url}/api/report`, { headers });
      expect(res.status).toBe(401);
      await trap.keepOwnError(res);
    }
    const report = await fetch(`${cpr.url}/api/report?format=html`, { headers: { authorization: `Bearer ${ADMIN_TOKEN}` } });
    expect(report.status).toBe(200);
    trap.ownErrorBodies.push(await report.text()); // a report is searched too
  });
});

describe("with Gemini's and Azure's keys, passed through and held by the proxy", () => {
  const gemini = { contents: [{ role: 'user', parts: [{ text: 'Where is my parcel?' }] }] };

  it("runs Gemini's x-goog-api-key and ?key=, Azure's api-key, and an unreachable upstream whose URL carries the ?key=", async () => {
    const several = await serve('several', { upstream: [`gemini=${sim.geminiBaseUrl}@google`, `azure=${sim.azureEndpoint}/openai@azure`] });
    expect((await post(several, '/v1beta/models/gemini-2.5-flash:generateContent', gemini, { 'x-goog-api-key': CLIENT_KEY })).status).toBe(200);
    expect((await post(several, `/v1beta/models/gemini-2.5-flash:streamGenerateContent?alt=sse&key=${CLIENT_KEY}`, gemini, {})).status).toBe(200);
    expect(sim.requests.at(-1)!.path).toContain(CLIENT_KEY); // passed through to the upstream, as it came
    sim.enqueue({ status: 429 });
    expect((await post(several, `/v1beta/models/gemini-2.5-flash:generateContent?key=${CLIENT_KEY}`, gemini, {})).status).toBe(429);
    expect((await post(several, '/openai/deployments/bot/chat/completions?api-version=2024-10-21', ask, { 'api-key': CLIENT_KEY })).status).toBe(200);
    const down = await serve('several-down', { upstream: 'gemini=http://127.0.0.1:9@google' });
    const res = await post(down, `/v1beta/models/gemini-2.5-flash:generateContent?key=${CLIENT_KEY}`, gemini, {});
    expect(res.status).toBe(502);
    await trap.keepOwnError(res);
    expect(rowCount(several) + rowCount(down)).toBe(5);
  });

  it("replaces them with CPR_UPSTREAM_API_KEY_<NAME>, the client presenting the proxy token in Google's and Azure's places", async () => {
    const keyed = await serve('several-keyed', {
      upstream: [`gemini=${sim.geminiBaseUrl}@google`, `azure=${sim.azureEndpoint}/openai@azure`], proxyToken: PROXY_TOKEN,
      env: { CPR_UPSTREAM_API_KEY_GEMINI: UPSTREAM_KEY, CPR_UPSTREAM_API_KEY_AZURE: UPSTREAM_KEY },
    });
    expect((await post(keyed, `/v1beta/models/gemini-2.5-flash:generateContent?key=${PROXY_TOKEN}`, gemini, {})).status).toBe(200);
    expect(sim.requests.at(-1)!.headers['x-goog-api-key']).toBe(UPSTREAM_KEY);
    expect(sim.requests.at(-1)!.path).not.toContain(PROXY_TOKEN);
    expect((await post(keyed, '/openai/deployments/bot/chat/completions?api-version=2024-10-21', ask, { 'api-key': PROXY_TOKEN })).status).toBe(200);
    expect(sim.requests.at(-1)!.headers['api-key']).toBe(UPSTREAM_KEY);
    const refused = await post(keyed, `/v1beta/models/gemini-2.5-flash:generateContent?key=${CLIENT_KEY}`, gemini, {});
    expect(refused.status).toBe(401);
    await trap.keepOwnError(refused);
  });
});

describe('afterwards', () => {
  it('finds none of the planted secrets in the ledger files, logs, warnings, own error bodies, spans or metrics', async () => {
    const leaks = await trap.search(SECRETS);
    const searched = trap.searched();
    console.info(`key leak search: ${leaks.length} found in ${JSON.stringify(searched)}`);
    expect(leaks).toEqual([]);
    // The search looked at something: every path left a trace.
    expect(searched.spans).toBeGreaterThanOrEqual(25);
    expect(searched.logLines).toBeGreaterThan(0);
    expect(searched.errorBodies).toBeGreaterThanOrEqual(9);
    expect(searched.dbBytes).toBeGreaterThan(0);
  });
});

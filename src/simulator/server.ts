import { createServer } from 'node:http';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import type { Provider } from './endpoint.js';
import { defaultErrorBody, malformedJsonBody } from './errors.js';
import { ids } from './ids.js';
import type { RequestBody } from './prompt.js';
import { writeJson, writeSse } from './response-writer.js';
import type { WriteOptions } from './response-writer.js';
import { missingModelBody, providerFor, routeFor, unknownRouteBody } from './routes.js';
import type { RecordedRequest, SimScript, SimulatedUpstream, SimulatedUpstreamOptions } from './types.js';

interface ServerState {
  requests: RecordedRequest[];
  queue: SimScript[];
  now: () => number;
}

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    const done = (): void => resolve(Buffer.concat(chunks).toString('utf8'));
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', done);
    req.on('close', done);
    req.on('error', done);
  });
}

function lowerCaseHeaders(req: IncomingMessage): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(req.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return headers;
}

function parseBody(raw: string): RequestBody | undefined {
  try {
    const parsed: unknown = JSON.parse(raw);
    return parsed !== null && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as RequestBody) : {};
  } catch {
    return undefined;
  }
}

function providerHeaders({ provider, requestId, startedAt }: { provider: Provider; requestId: string; startedAt: number }): Record<string, string> {
  const elapsedMs = String(Math.round(performance.now() - startedAt));
  if (provider === 'anthropic') return { 'request-id': requestId };
  if (provider === 'gemini') return { 'server-timing': `gfet4t7; dur=${elapsedMs}` };
  if (provider === 'azure') return { 'apim-request-id': ids.azureRequest(), 'x-request-id': requestId, 'x-ms-region': 'East US' };
  return { 'x-request-id': requestId, 'openai-version': '2020-10-01', 'openai-processing-ms': elapsedMs };
}

async function handle({ state, req, res }: { state: ServerState; req: IncomingMessage; res: ServerResponse }): Promise<void> {
  const startedAt = performance.now();
  const method = req.method ?? 'GET';
  const path = req.url ?? '/';
  const record: RecordedRequest = { method, path, headers: lowerCaseHeaders(req), body: '', aborted: false, completed: false };
  state.requests.push(record);
  let destroyedOnPurpose = false;
  res.on('close', () => {
    record.completed = res.writableFinished;
    record.aborted = !res.writableFinished && !destroyedOnPurpose;
  });
  record.body = await readBody(req);
  if (res.destroyed) return;

  // Every request takes the next script, whatever it turns out to be, so a test's queue lines
  // up with the requests it sends.
  const script = state.queue.shift() ?? {};
  const url = new URL(path, 'http://simulator');
  const { pathname } = url;
  const route = routeFor(method, pathname);
  const provider = route?.endpoint.provider ?? providerFor(pathname);
  const requestId = provider === 'anthropic' ? ids.anthropicRequest() : ids.openaiRequest();
  const writeOptions = (): WriteOptions => ({
    res,
    headers: providerHeaders({ provider, requestId, startedAt }),
    script,
    onDestroy: () => (destroyedOnPurpose = true),
  });
  const body = method === 'GET' ? {} : parseBody(record.body);
  const model = typeof body?.model === 'string' ? body.model : (route?.params.model ?? route?.params.deployment ?? '');

  if (script.status !== undefined && script.status >= 400) {
    const errorBody = script.errorBody ?? defaultErrorBody({ provider, status: script.status, model, requestId });
    const options = writeOptions();
    // Both providers say when to retry after a rate limit; a script may override it.
    if (script.status === 429) options.headers['retry-after'] = '1';
    return writeJson(options, { status: script.status, body: errorBody });
  }
  if (!route) return writeJson(writeOptions(), { status: 404, body: unknownRouteBody(provider, method, pathname) });
  if (body === undefined) return writeJson(writeOptions(), { status: 400, body: malformedJsonBody(provider, requestId) });
  // Gemini and Azure's deployments take the model from the path.
  const pathModel = route.params.model ?? route.params.deployment;
  if (method === 'POST' && model === '' && pathModel === undefined) return writeJson(writeOptions(), { status: 400, body: missingModelBody(provider, requestId) });

  const answer = route.endpoint.handle({ body, script, now: state.now, requestId, params: route.params, query: url.searchParams });
  if (answer.kind === 'sse') return writeSse(writeOptions(), answer.frames);
  return writeJson(writeOptions(), { status: answer.status, body: answer.body });
}

/**
 * Starts a local HTTP server that speaks OpenAI's, Anthropic's, Azure OpenAI's and Gemini's native
 * wire formats, streamed and not,
 * with usage exactly where the real APIs put it. It is a SIMULATED upstream: for tests, the demo
 * and benchmarks, never a stand-in in production.
 *
 * @example
 * const sim = await startSimulatedUpstream();
 * sim.enqueue({ text: 'Hello!', usage: { input: 12, output: 3 } });
 * const client = new OpenAI({ apiKey: 'sk-test', baseURL: sim.openaiBaseUrl });
 * await client.chat.completions.create({ model: 'gpt-4o-mini', messages: [{ role: 'user', content: 'Hi' }] });
 * await sim.close();
 */
export async function startSimulatedUpstream(options: SimulatedUpstreamOptions = {}): Promise<SimulatedUpstream> {
  const { port = 0, host = '127.0.0.1', now = Date.now } = options;
  const state: ServerState = { requests: [], queue: [], now };
  const server = createServer((req, res) => {
    handle({ state, req, res }).catch(() => res.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const address = server.address() as AddressInfo;
  const origin = `http://${address.family === 'IPv6' ? `[${address.address}]` : address.address}:${address.port}`;

  return {
    openaiBaseUrl: `${origin}/v1`,
    anthropicBaseUrl: origin,
    azureEndpoint: origin,
    geminiBaseUrl: origin,
    requests: state.requests,
    enqueue: (...scripts) => void state.queue.push(...scripts),
    reset: () => {
      state.requests.length = 0;
      state.queue.length = 0;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        // Stalled streams and keep-alive sockets would otherwise hold `close` open forever.
        server.closeAllConnections();
      }),
  };
}

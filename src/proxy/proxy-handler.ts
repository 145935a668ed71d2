import { once } from 'node:events';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import { errors as undiciErrors, request, type Dispatcher } from 'undici';
import { AuthenticationError, UpstreamError } from '../errors.js';
import type { CallRecorder } from '../ledger/call-recorder.js';
import type { Logger } from '../logging/logger.js';
import type { PriceBook } from '../pricing/price-book.js';
import { safeEqual } from '../server/safe-equal.js';
import { readAttribution, type Attribution } from './attribution.js';
import { NO_FACTS } from '../recording/outcomes.js';
import { finishExchange, UpstreamAbort, type Exchange } from './exchange.js';
import { newCallId } from '../recording/call-id.js';
import { prepareRequest } from '../recording/prepare-request.js';
import { geminiModelName } from '../usage/gemini-model-name.js';
import { readBody } from './read-body.js';
import type { BodyMemory } from '../server/body-memory.js';
import { relayBuffered } from './relay-buffered.js';
import { relayStream } from './relay-stream.js';
import type { ProxyRoute } from './routes.js';
import { sendError } from './send-error.js';
import { clientResponseHeaders, keyParameterOf, upstreamRequestHeaders, withoutKeyParameter } from './upstream-headers.js';
import type { UpstreamHealth } from './upstream-health.js';
import { servingProvider, targetUrl, UPSTREAM_HEADER, type ProxyUpstream, type UpstreamRegistry } from './upstream-registry.js';

/** What the proxy needs; built once by the server. */
export interface ProxyDeps {
  /** The upstreams, by name, with their URLs, providers and keys; which one each request goes to. */
  upstreams: UpstreamRegistry;
  /** When set, clients must present it (as their API key) to use the proxy. */
  proxyToken?: string | undefined;
  recorder: CallRecorder;
  prices: PriceBook;
  logger: Logger;
  maxBodyBytes: number;
  /** The bytes all request bodies may hold at once (`--max-body-memory-bytes`); none: no cap. */
  bodyMemory?: BodyMemory | undefined;
  /** A client that sends no byte of its body for this long is cut (`--body-timeout-ms`). */
  bodyTimeoutMs?: number | undefined;
  /** Longest wait for the upstream's headers, and between two body chunks. */
  upstreamTimeoutMs: number;
  dispatcher: Dispatcher;
  now: () => number;
  /** Told of each recorded call's attribution (links conversations to tickets). */
  onAttribution?: ((attribution: Attribution, at: number) => void) | undefined;
  /** Told whether each call reached its upstream (`/healthz`, and one log line per change). */
  upstreamHealth?: UpstreamHealth | undefined;
}

/** Where a request goes, and the same URL as messages and logs show it (without its query, which may hold Gemini's `key`). */
function destination(upstream: ProxyUpstream, route: ProxyRoute, deps: ProxyDeps): { url: string; shown: string } {
  const url = targetUrl(upstream, route);
  // The client's `?key=` is its credential: replaced or dropped as its headers are.
  const sent = upstream.apiKey !== undefined || deps.proxyToken !== undefined ? withoutKeyParameter(url) : url;
  return { url: sent, shown: sent.split('?')[0]! };
}

/** The key a client presents, in whichever place its SDK puts it (OpenAI, Anthropic, Azure, Gemini). */
function presentedToken(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  for (const name of ['x-api-key', 'api-key', 'x-goog-api-key']) {
    const key = req.headers[name];
    if (typeof key === 'string') return key;
  }
  return keyParameterOf(req.url ?? '');
}

/** Maps a failure to reach the upstream to the error the client gets. */
function upstreamFailure(error: unknown, url: string): UpstreamError {
  const timedOut = error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || error instanceof undiciErrors.ConnectTimeoutError;
  return timedOut
    ? new UpstreamError(`The upstream did not answer in time (${url}).`, { code: 'upstream_timeout', upstreamUrl: url, status: 504, cause: error })
    : new UpstreamError(`The upstream could not be reached (${url}): ${(error as Error).message}`, { code: 'upstream_unreachable', upstreamUrl: url, cause: error });
}

/**
 * The proxy: forwards every request it serves (`/v1/...`, Gemini's `/v1beta/...`, Azure's
 * `/openai/...`) to the upstream it picks, with method, query, headers and body intact, streams
 * the answer back as it arrives, and records the recorded operations.
 */
export function createProxyHandler(deps: ProxyDeps) {
  return async function proxyRequest(req: IncomingMessage, res: ServerResponse, route: ProxyRoute): Promise<void> {
    try {
      if (deps.proxyToken !== undefined && !safeEqual(presentedToken(req), deps.proxyToken)) {
        throw new AuthenticationError('This proxy requires its client token (CPR_PROXY_TOKEN) as the API key.');
      }
      const target = deps.upstreams.select(route, req.headers[UPSTREAM_HEADER]);
      if (route.operation === null) return await passThrough({ req, res, route, target }, deps);
      await record({ req, res, route: { ...route, operation: route.operation }, target }, deps);
    } catch (error) {
      if (!(error instanceof UpstreamError)) deps.logger.debug('proxy request refused', { error: (error as Error).message });
      sendError(res, error);
    }
  };
}

interface Forwarded<R extends ProxyRoute = ProxyRoute> {
  req: IncomingMessage;
  res: ServerResponse;
  route: R;
  /** The upstream it goes to. */
  target: ProxyUpstream;
}

async function record({ req, res, route, target }: Forwarded<Exchange['route']>, deps: ProxyDeps): Promise<void> {
  // The body is held, and counted against the cap, until the exchange is over.
  const startedAt = deps.now();
  const t0 = performance.now();
  const lease = deps.bodyMemory?.lease();
  try {
    const body = await readBody(req, { limitBytes: deps.maxBodyBytes, lease, idleTimeoutMs: deps.bodyTimeoutMs });
    await exchangeCall({ req, res, route, target, body, startedAt, t0 }, deps);
  } finally {
    lease?.release();
  }
}

async function exchangeCall(
  { req, res, route, target, body, startedAt, t0 }: Forwarded<Exchange['route']> & { body: Buffer; startedAt: number; t0: number },
  deps: ProxyDeps,
): Promise<void> {
  const attribution = readAttribution(req.headers, route.conversationId);
  const prepared = prepareRequest(route.operation, body, { askForUsage: route.acceptsStreamOptions });
  if (route.streamByPath) prepared.stream = true;
  // Gemini names the model in the path; a body that names it too (`:embedContent`'s `model`)
  // says `models/{model}`, which the price data does not know.
  if (route.api === 'gemini' || route.api === 'vertex') prepared.requestModel = route.pathModel ?? (prepared.requestModel === null ? null : geminiModelName(prepared.requestModel));
  const { url, shown } = destination(target, route, deps);
  const exchange: Exchange = {
    req, res, route, attribution, prepared, upstreamUrl: shown,
    start: {
      callId: newCallId(startedAt), startedAt, t0,
      provider: route.provider,
      upstreamProvider: servingProvider(target, route),
      upstream: target.name,
      operation: route.operation,
      requestModel: prepared.requestModel,
      requestJson: prepared.json,
      conversationId: attribution.conversationId,
      ticketId: attribution.ticketId,
      source: 'proxy',
    },
    abort: new UpstreamAbort(),
    clientGone: false,
  };
  res.on('close', () => {
    if (!res.writableEnded) {
      exchange.clientGone = true;
      exchange.abort.abort();
    }
  });
  if (deps.onAttribution && (attribution.conversationId || attribution.ticketId)) deps.onAttribution(attribution, startedAt);

  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await request(url, {
      method: 'POST',
      headers: upstreamRequestHeaders(req.headers, {
        provider: route.provider,
        api: route.api,
        upstreamProvider: target.provider,
        upstreamApiKey: target.apiKey,
        identityEncoding: true,
        dropClientCredentials: deps.proxyToken !== undefined,
      }),
      body: prepared.body,
      signal: exchange.abort.signal,
      dispatcher: deps.dispatcher,
      headersTimeout: deps.upstreamTimeoutMs,
      bodyTimeout: deps.upstreamTimeoutMs,
    });
  } catch (error) {
    const failure = exchange.clientGone ? null : upstreamFailure(error, shown);
    if (failure) deps.upstreamHealth?.failed(target.name, failure);
    await finishExchange(exchange, {
      status: failure ? 'error' : 'aborted',
      httpStatus: null,
      errorType: failure ? failure.code : 'client_disconnected',
      facts: NO_FACTS,
      outputText: '',
      streamed: prepared.stream,
      timeToFirstChunkMs: null,
      upstreamRequestId: null,
    }, deps);
    if (failure) sendError(res, failure, { 'x-cpr-call-id': exchange.start.callId });
    return;
  }
  deps.upstreamHealth?.reached(target.name);
  const isStream = String(upstream.headers['content-type'] ?? '').includes('text/event-stream');
  if (isStream && upstream.statusCode < 400) await relayStream(exchange, upstream, deps);
  else await relayBuffered(exchange, upstream, deps);
}

/** Forwards an unrecorded request both ways as streams, nothing read or changed but credentials and `x-cpr-*`. */
async function passThrough({ req, res, route, target }: Forwarded, deps: ProxyDeps): Promise<void> {
  const { url, shown } = destination(target, route, deps);
  const abort = new UpstreamAbort();
  res.on('close', () => {
    if (!res.writableEnded) abort.abort();
  });
  const hasBody = req.method !== 'GET' && req.method !== 'HEAD';
  let upstream: Dispatcher.ResponseData;
  try {
    upstream = await request(url, {
      method: req.method as Dispatcher.HttpMethod,
      headers: upstreamRequestHeaders(req.headers, {
        provider: route.provider,
        api: route.api,
        upstreamProvider: target.provider,
        upstreamApiKey: target.apiKey,
        identityEncoding: false,
        dropClientCredentials: deps.proxyToken !== undefined,
      }),
      body: hasBody ? req : null,
      signal: abort.signal,
      dispatcher: deps.dispatcher,
      headersTimeout: deps.upstreamTimeoutMs,
      bodyTimeout: deps.upstreamTimeoutMs,
    });
  } catch (error) {
    if (abort.signal.aborted) return;
    const failure = upstreamFailure(error, shown);
    deps.upstreamHealth?.failed(target.name, failure);
    throw failure;
  }
  deps.upstreamHealth?.reached(target.name);
  res.writeHead(upstream.statusCode, clientResponseHeaders(upstream.headers, { dropLength: false }));
  try {
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      if (!res.write(chunk)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
    res.end();
  } catch {
    res.destroy();
  }
}

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
import { readBody } from './read-body.js';
import { relayBuffered } from './relay-buffered.js';
import { relayStream } from './relay-stream.js';
import type { ProxyRoute } from './routes.js';
import { sendError } from './send-error.js';
import { clientResponseHeaders, upstreamRequestHeaders } from './upstream-headers.js';
import type { UpstreamHealth } from './upstream-health.js';

/** What the proxy needs; built once by the server. */
export interface ProxyDeps {
  /** OpenAI-compatible base URL, `/v1` included: `https://api.openai.com/v1`. */
  upstreamUrl: string;
  /** Anthropic base URL, without `/v1`: `https://api.anthropic.com`. */
  anthropicUpstreamUrl: string;
  /** Replaces the client's credentials upstream when set. */
  upstreamApiKey?: string | undefined;
  /** When set, clients must present it (as their API key) to use the proxy. */
  proxyToken?: string | undefined;
  recorder: CallRecorder;
  prices: PriceBook;
  logger: Logger;
  maxBodyBytes: number;
  /** Longest wait for the upstream's headers, and between two body chunks. */
  upstreamTimeoutMs: number;
  dispatcher: Dispatcher;
  now: () => number;
  /** Told of each recorded call's attribution (links conversations to tickets). */
  onAttribution?: ((attribution: Attribution, at: number) => void) | undefined;
  /** Told whether each call reached its upstream (`/healthz`, and one log line per change). */
  upstreamHealth?: UpstreamHealth | undefined;
}

function upstreamBase(deps: ProxyDeps, route: ProxyRoute): string {
  return route.provider === 'anthropic' ? `${deps.anthropicUpstreamUrl.replace(/\/$/, '')}/v1` : deps.upstreamUrl.replace(/\/$/, '');
}

function presentedToken(req: IncomingMessage): string {
  const auth = req.headers.authorization;
  if (typeof auth === 'string' && auth.startsWith('Bearer ')) return auth.slice(7);
  const key = req.headers['x-api-key'];
  return typeof key === 'string' ? key : '';
}

/** Maps a failure to reach the upstream to the error the client gets. */
function upstreamFailure(error: unknown, url: string): UpstreamError {
  const timedOut = error instanceof undiciErrors.HeadersTimeoutError || error instanceof undiciErrors.BodyTimeoutError || error instanceof undiciErrors.ConnectTimeoutError;
  return timedOut
    ? new UpstreamError(`The upstream did not answer in time (${url}).`, { code: 'upstream_timeout', upstreamUrl: url, status: 504, cause: error })
    : new UpstreamError(`The upstream could not be reached (${url}): ${(error as Error).message}`, { code: 'upstream_unreachable', upstreamUrl: url, cause: error });
}

/**
 * The proxy: forwards every `/v1/...` request to the upstream with method, query, headers and
 * body intact, streams the answer back as it arrives, and records the recorded operations.
 */
export function createProxyHandler(deps: ProxyDeps) {
  return async function proxyRequest(req: IncomingMessage, res: ServerResponse, route: ProxyRoute): Promise<void> {
    try {
      if (deps.proxyToken !== undefined && !safeEqual(presentedToken(req), deps.proxyToken)) {
        throw new AuthenticationError('This proxy requires its client token (CPR_PROXY_TOKEN) as the API key.');
      }
      if (route.operation === null) return await passThrough(req, res, route, deps);
      await record(req, res, { ...route, operation: route.operation }, deps);
    } catch (error) {
      if (!(error instanceof UpstreamError)) deps.logger.debug('proxy request refused', { error: (error as Error).message });
      sendError(res, error);
    }
  };
}

async function record(req: IncomingMessage, res: ServerResponse, route: Exchange['route'], deps: ProxyDeps): Promise<void> {
  const startedAt = deps.now();
  const t0 = performance.now();
  const attribution = readAttribution(req.headers, route.conversationId);
  const prepared = prepareRequest(route.operation, await readBody(req, deps.maxBodyBytes));
  const url = upstreamBase(deps, route) + route.subpath;
  const exchange: Exchange = {
    req, res, route, attribution, prepared, upstreamUrl: url,
    start: {
      callId: newCallId(startedAt), startedAt, t0,
      provider: route.provider,
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
        upstreamApiKey: deps.upstreamApiKey,
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
    const failure = exchange.clientGone ? null : upstreamFailure(error, url);
    if (failure) deps.upstreamHealth?.failed(route.provider, failure);
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
  deps.upstreamHealth?.reached(route.provider);
  const isStream = String(upstream.headers['content-type'] ?? '').includes('text/event-stream');
  if (isStream && upstream.statusCode < 400) await relayStream(exchange, upstream, deps);
  else await relayBuffered(exchange, upstream, deps);
}

/** Forwards an unrecorded request both ways as streams, nothing read or changed but credentials and `x-cpr-*`. */
async function passThrough(req: IncomingMessage, res: ServerResponse, route: ProxyRoute, deps: ProxyDeps): Promise<void> {
  const url = upstreamBase(deps, route) + route.subpath;
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
        upstreamApiKey: deps.upstreamApiKey,
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
    const failure = upstreamFailure(error, url);
    deps.upstreamHealth?.failed(route.provider, failure);
    throw failure;
  }
  deps.upstreamHealth?.reached(route.provider);
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

import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import type { Dispatcher } from 'undici';
import { readResponse } from '../usage/read-response.js';
import { errorTypeOf, upstreamRequestId } from '../recording/build-call.js';
import { finishExchange, headerOf, type Exchange, type FinishDeps } from './exchange.js';
import { clientResponseHeaders } from './upstream-headers.js';
import { outputTextOf } from '../usage/output-text.js';

/** Decodes a body for reading only (the client gets the bytes as they came). */
function decode(body: Buffer, encoding: unknown): string {
  try {
    if (encoding === 'gzip') return gunzipSync(body).toString('utf8');
    if (encoding === 'br') return brotliDecompressSync(body).toString('utf8');
    if (encoding === 'deflate') return inflateSync(body).toString('utf8');
  } catch {
    return '';
  }
  return body.toString('utf8');
}

/**
 * Relays a non-streamed answer: read whole (it is small), priced, committed, then sent with
 * `x-cpr-call-id` and `x-cpr-cost-usd` (`unpriced` when the model has no known price), status
 * and body unchanged.
 */
export async function relayBuffered(exchange: Exchange, upstream: Dispatcher.ResponseData, deps: FinishDeps): Promise<void> {
  let body: Buffer;
  try {
    body = Buffer.from(await upstream.body.arrayBuffer());
  } catch (error) {
    // Cut while reading: the client left (aborted) or the upstream died (error). Either way the
    // call happened and is recorded; the client, if still there, gets a cut connection.
    await finishExchange(exchange, {
      status: exchange.clientGone ? 'aborted' : 'error',
      httpStatus: upstream.statusCode,
      errorType: exchange.clientGone ? 'client_disconnected' : 'upstream_stream_error',
      facts: { model: null, id: null, finishReasons: [], usage: null },
      outputText: '',
      streamed: false,
      timeToFirstChunkMs: null,
      upstreamRequestId: upstreamRequestId(headerOf(upstream.headers)),
    }, deps);
    exchange.res.destroy(error as Error);
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(decode(body, upstream.headers['content-encoding']));
  } catch {
    json = undefined;
  }
  const { route } = exchange;
  const failed = upstream.statusCode >= 400;
  const call = await finishExchange(
    exchange,
    {
      status: failed ? 'error' : 'ok',
      httpStatus: upstream.statusCode,
      errorType: failed ? errorTypeOf(json, upstream.statusCode) : null,
      facts: readResponse(route.provider, route.operation, json),
      outputText: failed ? '' : outputTextOf(route.operation, json),
      streamed: false,
      timeToFirstChunkMs: null,
      upstreamRequestId: upstreamRequestId(headerOf(upstream.headers)),
    },
    deps,
  );
  const headers = clientResponseHeaders(upstream.headers, { dropLength: true });
  headers['content-length'] = body.length;
  headers['x-cpr-call-id'] = call.id;
  headers['x-cpr-cost-usd'] = call.costUsd === null ? 'unpriced' : String(call.costUsd);
  exchange.res.writeHead(upstream.statusCode, headers);
  exchange.res.end(body);
}

import { brotliDecompressSync, gunzipSync, inflateSync } from 'node:zlib';
import { errors as undiciErrors, type Dispatcher } from 'undici';
import { UpstreamError } from '../errors.js';
import { upstreamRequestId } from '../recording/build-call.js';
import { bufferedOutcome, cutBodyOutcome } from '../recording/outcomes.js';
import { finishExchange, headerOf, type Exchange, type FinishDeps } from './exchange.js';
import { sendError } from './send-error.js';
import { clientResponseHeaders } from './upstream-headers.js';

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

/** The error a client gets for an answer the upstream cut, or stopped sending, before its end. */
function cutBodyError(url: string, timedOut: boolean, cause: unknown): UpstreamError {
  return timedOut
    ? new UpstreamError(`The upstream stopped sending its answer and timed out (${url}).`, { code: 'upstream_timeout', upstreamUrl: url, status: 504, cause })
    : new UpstreamError(`The upstream closed the connection before its answer was complete (${url}).`, { code: 'upstream_stream_error', upstreamUrl: url, cause });
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
    // Cut while reading: the client left (aborted), or the upstream died or went quiet past the
    // timeout (error). Either way the call happened and is recorded. Nothing of the answer was
    // sent yet, so a client still there gets the error in OpenAI's shape.
    const timedOut = error instanceof undiciErrors.BodyTimeoutError;
    const requestId = upstreamRequestId(headerOf(upstream.headers));
    await finishExchange(exchange, cutBodyOutcome({ aborted: exchange.clientGone, timedOut, httpStatus: upstream.statusCode, upstreamRequestId: requestId }), deps);
    if (exchange.clientGone) exchange.res.destroy();
    else sendError(exchange.res, cutBodyError(exchange.upstreamUrl, timedOut, error), { 'x-cpr-call-id': exchange.start.callId });
    return;
  }
  let json: unknown;
  try {
    json = JSON.parse(decode(body, upstream.headers['content-encoding']));
  } catch {
    json = undefined;
  }
  const { route } = exchange;
  const call = await finishExchange(
    exchange,
    bufferedOutcome({
      provider: route.provider,
      operation: route.operation,
      httpStatus: upstream.statusCode,
      json,
      upstreamRequestId: upstreamRequestId(headerOf(upstream.headers)),
    }),
    deps,
  );
  const headers = clientResponseHeaders(upstream.headers, { dropLength: true });
  headers['content-length'] = body.length;
  headers['x-cpr-call-id'] = call.id;
  headers['x-cpr-cost-usd'] = call.costUsd === null ? 'unpriced' : String(call.costUsd);
  exchange.res.writeHead(upstream.statusCode, headers);
  exchange.res.end(body);
}

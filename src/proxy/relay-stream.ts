import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { errors as undiciErrors, type Dispatcher } from 'undici';
import { upstreamRequestId } from '../recording/build-call.js';
import { streamOutcome } from '../recording/outcomes.js';
import { SseRelay } from '../recording/sse-relay.js';
import { finishExchange, headerOf, type Exchange, type FinishDeps } from './exchange.js';
import { clientResponseHeaders } from './upstream-headers.js';

/**
 * Streams an SSE answer to the client chunk by chunk as it arrives, while a copy is tallied for
 * usage. When the proxy asked for usage on the client's behalf, events are re-framed one by one
 * to hide what the client did not ask for (the usage-only chunk and `"usage": null`); otherwise
 * the upstream's bytes pass through unchanged. The call is committed before the response ends.
 */
export async function relayStream(exchange: Exchange, upstream: Dispatcher.ResponseData, deps: FinishDeps): Promise<void> {
  const { res, route, prepared } = exchange;
  const { t0 } = exchange.start;
  const relay = new SseRelay({ provider: route.provider, operation: route.operation, hideUsage: prepared.injectedUsage });
  const headers = clientResponseHeaders(upstream.headers, { dropLength: true });
  headers['x-cpr-call-id'] = exchange.start.callId;
  res.writeHead(upstream.statusCode, headers);

  let timeToFirstChunkMs: number | null = null;
  let failure: unknown = null;
  try {
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      let pieces = [chunk];
      if (timeToFirstChunkMs === null) {
        timeToFirstChunkMs = performance.now() - t0;
        // A first read holding many events (an upstream that answers in a burst, or a fast one
        // read late) would reach the client only once all were re-framed: send its first event
        // on its own, so that the time to first chunk does not grow with the burst.
        const end = firstEventEnd(chunk);
        if (end !== -1) pieces = [chunk.subarray(0, end), chunk.subarray(end)];
      }
      for (const piece of pieces) {
        const out = relay.push(piece);
        if (out === null) continue;
        if (!res.write(out)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
      }
    }
  } catch (error) {
    failure = error;
  }

  const aborted = exchange.clientGone;
  const upstreamDied = failure !== null && !aborted;
  await finishExchange(
    exchange,
    streamOutcome({
      tally: relay.tally,
      httpStatus: upstream.statusCode,
      end: aborted ? 'aborted' : upstreamDied ? 'died' : 'ended',
      timedOut: failure instanceof undiciErrors.BodyTimeoutError,
      timeToFirstChunkMs,
      upstreamRequestId: upstreamRequestId(headerOf(upstream.headers)),
    }),
    deps,
  );
  // The upstream cut the stream: cut the client's too, so that it sees the same truncation.
  if (upstreamDied || aborted) res.destroy();
  else res.end();
}

/** Where the first SSE event of a chunk ends (after its blank line) when more bytes follow it; -1 otherwise. */
function firstEventEnd(chunk: Buffer): number {
  const at = chunk.indexOf('\n\n');
  return at === -1 || at + 2 >= chunk.length ? -1 : at + 2;
}

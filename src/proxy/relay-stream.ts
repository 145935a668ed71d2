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
 * usage. When the proxy asked for usage on the client's behalf, what the client did not ask for
 * (the usage-only chunk and `"usage": null`) is cut out of the events, which pass otherwise as
 * they came; else the upstream's bytes pass through unchanged. The call is committed before the
 * response ends.
 */
export async function relayStream(exchange: Exchange, upstream: Dispatcher.ResponseData, deps: FinishDeps): Promise<void> {
  const { res, route, prepared } = exchange;
  const { t0 } = exchange.start;
  const relay = new SseRelay({ provider: route.provider, operation: route.operation, hideUsage: prepared.injectedUsage });
  const headers = clientResponseHeaders(upstream.headers, { dropLength: true });
  headers['x-cpr-call-id'] = exchange.start.callId;
  res.writeHead(upstream.statusCode, headers);

  /** Relays a piece; when the client's socket is full, what to wait for before the next (else `null`). */
  const send = (piece: Buffer): Promise<unknown> | null => {
    const out = relay.push(piece);
    if (out === null || res.write(out)) return null;
    return Promise.race([once(res, 'drain'), once(res, 'close')]);
  };
  let timeToFirstChunkMs: number | null = null;
  let failure: unknown = null;
  try {
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      let rest = chunk;
      if (timeToFirstChunkMs === null) {
        timeToFirstChunkMs = performance.now() - t0;
        // A first read holding many events (an upstream that answers in a burst, or a fast one
        // read late) would reach the client only once all were relayed: send its first event
        // on its own, so that the time to first chunk does not grow with the burst.
        const end = firstEventEnd(chunk);
        if (end !== -1) {
          await send(chunk.subarray(0, end));
          // Node's http corks the socket at a write and uncorks it on the next tick: let it
          // flush now, or the first event waits for the rest of the burst all the same.
          await new Promise<void>((resolve) => process.nextTick(resolve));
          rest = chunk.subarray(end);
        }
      }
      const full = send(rest);
      if (full !== null) await full;
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

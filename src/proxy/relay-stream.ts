import { once } from 'node:events';
import { performance } from 'node:perf_hooks';
import { createParser, type EventSourceMessage } from 'eventsource-parser';
import type { Dispatcher } from 'undici';
import { StreamTally } from '../usage/stream-tally.js';
import { finishExchange, upstreamRequestId, type Exchange, type FinishDeps } from './exchange.js';
import { clientResponseHeaders } from './upstream-headers.js';

/** Removes the `"usage": null` that `include_usage` adds to every chunk. */
const NULL_USAGE = /,\s*"usage"\s*:\s*null/;

/** Re-frames one event the way OpenAI frames it, with its null usage removed. */
function reframe(event: EventSourceMessage): string {
  const name = event.event ? `event: ${event.event}\n` : '';
  const data = event.data.replace(NULL_USAGE, '').split('\n').map((line) => `data: ${line}\n`).join('');
  return `${name}${data}\n`;
}

/**
 * Streams an SSE answer to the client chunk by chunk as it arrives, while a copy is tallied for
 * usage. When the proxy asked for usage on the client's behalf, events are re-framed one by one
 * to hide what the client did not ask for (the usage-only chunk and `"usage": null`); otherwise
 * the upstream's bytes pass through unchanged. The call is committed before the response ends.
 */
export async function relayStream(exchange: Exchange, upstream: Dispatcher.ResponseData, deps: FinishDeps): Promise<void> {
  const { res, route, prepared, t0 } = exchange;
  const tally = new StreamTally(route.provider, route.operation);
  const injected = prepared.injectedUsage;
  let pending = '';
  const parser = createParser({
    onEvent(event) {
      const usageOnly = tally.read(event);
      if (injected && !usageOnly) pending += reframe(event);
    },
    onComment(comment) {
      if (injected) pending += `:${comment}\n\n`;
    },
  });
  const decoder = new TextDecoder();
  const headers = clientResponseHeaders(upstream.headers, { dropLength: true });
  headers['x-cpr-call-id'] = exchange.callId;
  res.writeHead(upstream.statusCode, headers);

  let timeToFirstChunkMs: number | null = null;
  let failure: unknown = null;
  try {
    for await (const chunk of upstream.body as AsyncIterable<Buffer>) {
      timeToFirstChunkMs ??= performance.now() - t0;
      parser.feed(decoder.decode(chunk, { stream: true }));
      let out: Buffer | string = chunk;
      if (injected) {
        out = pending;
        pending = '';
        if (out === '') continue;
      }
      if (!res.write(out)) await Promise.race([once(res, 'drain'), once(res, 'close')]);
    }
  } catch (error) {
    failure = error;
  }

  const aborted = exchange.clientGone;
  const upstreamDied = failure !== null && !aborted;
  await finishExchange(
    exchange,
    {
      status: aborted ? 'aborted' : upstreamDied ? 'error' : 'ok',
      httpStatus: upstream.statusCode,
      errorType: aborted ? 'client_disconnected' : upstreamDied ? 'upstream_stream_error' : null,
      facts: tally.facts(),
      outputText: tally.text(),
      streamed: true,
      timeToFirstChunkMs,
      upstreamRequestId: upstreamRequestId(upstream.headers),
    },
    deps,
  );
  // The upstream cut the stream: cut the client's too, so that it sees the same truncation.
  if (upstreamDied || aborted) res.destroy();
  else res.end();
}

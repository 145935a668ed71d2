import { performance } from 'node:perf_hooks';
import { upstreamRequestId } from '../recording/build-call.js';
import { bufferedOutcome, cutBodyOutcome, streamOutcome } from '../recording/outcomes.js';
import { SseRelay } from '../recording/sse-relay.js';
import { commitCall, warnRecordingFailure, type PendingCall } from './commit-call.js';
import { endedByCaller, relayBody, type BodyEnd } from './relay-body.js';
import { hasNodeBody, platformResponse } from './platform-response.js';
import { shareBody } from './shared-body.js';

const encoder = new TextEncoder();

/**
 * A non-streamed answer: the caller gets the very `Response`, whose body is read once, in the
 * background, for both the caller and the recording (see {@link shareBody}), and recorded as
 * the proxy's buffered relay records it. A body cut short (the caller aborted, the connection
 * died) is recorded too, with estimated usage.
 */
function recordBuffered(call: PendingCall, response: Response): Response {
  const { start, signal } = call;
  const requestId = upstreamRequestId((name) => response.headers.get(name));
  const httpStatus = response.status;
  shareBody(response, {
    read({ json }) {
      try {
        // Taken now, before the caller gets (and may change) the parsed body.
        commitCall(call, bufferedOutcome({ provider: start.provider, operation: start.operation, httpStatus, json, upstreamRequestId: requestId }));
      } catch (error) {
        warnRecordingFailure('an LLM answer could not be recorded', error);
      }
    },
    failed() {
      commitCall(call, cutBodyOutcome({ aborted: signal?.aborted === true, httpStatus, upstreamRequestId: requestId }));
    },
  });
  return response;
}

/**
 * A streamed answer: the caller gets a `Response` with the same status and headers whose body
 * passes each chunk through an {@link SseRelay}: the same bytes, or, when usage was asked for
 * on the caller's behalf, the events without the usage chunk and `"usage": null`. The call is
 * recorded once, when the stream ends: read to its end (`ok`), cut by the upstream (`error`),
 * or left by the caller, by abort or cancel (`aborted`, usage estimated from what was streamed).
 */
function recordStream(call: PendingCall, response: Response): Response {
  const { start, prepared, signal } = call;
  const relay = new SseRelay({ provider: start.provider, operation: start.operation, hideUsage: prepared.injectedUsage });
  const headers = new Headers(response.headers);
  if (prepared.injectedUsage) headers.delete('content-length');
  const requestId = upstreamRequestId((name) => response.headers.get(name));
  let timeToFirstChunkMs: number | null = null;
  let ended = false;
  const end = (how: BodyEnd | { kind: 'aborted' }): void => {
    if (ended) return;
    ended = true;
    signal?.removeEventListener('abort', onAbort);
    const aborted = endedByCaller(how, signal);
    const died = !aborted && how.kind === 'failed';
    commitCall(call, streamOutcome({
      tally: relay.tally,
      httpStatus: response.status,
      end: aborted ? 'aborted' : died ? 'died' : 'ended',
      timeToFirstChunkMs,
      upstreamRequestId: requestId,
    }));
  };
  const onAbort = (): void => end({ kind: 'aborted' });
  const relayed = new Response(
    relayBody(response.body as ReadableStream<Uint8Array>, {
      push: (chunk) => {
        timeToFirstChunkMs ??= performance.now() - start.t0;
        const out = relay.push(chunk);
        return typeof out === 'string' ? encoder.encode(out) : out;
      },
      end,
    }),
    { status: response.status, statusText: response.statusText, headers },
  );
  // `url` is read-only on a constructed Response; keep the upstream's for code that reads it.
  Object.defineProperty(relayed, 'url', { value: response.url, enumerable: true });
  signal?.addEventListener('abort', onAbort, { once: true });
  return relayed;
}

/**
 * Records an upstream answer and returns what the caller gets: a stream's body relayed, anything
 * else as it came (an answer whose body is a Node.js stream, from openai v4's `node-fetch`, as
 * the platform's `Response` over the same bytes). Never throws.
 */
export function recordResponse(call: PendingCall, answer: Response): Response {
  let response = answer;
  try {
    if (hasNodeBody(answer)) response = platformResponse(answer);
  } catch (error) {
    warnRecordingFailure('an LLM answer could not be recorded', error);
    return answer;
  }
  const isStream = (response.headers.get('content-type') ?? '').includes('text/event-stream') && response.status < 400;
  try {
    if (isStream && response.body !== null) return recordStream(call, response);
    return recordBuffered(call, response);
  } catch (error) {
    warnRecordingFailure('an LLM answer could not be recorded', error);
    return response;
  }
}

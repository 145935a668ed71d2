import { performance } from 'node:perf_hooks';
import { commitCall, type PendingCall } from '../wrapper/commit-call.js';
import { endedByCaller, relayBody, type BodyEnd } from '../wrapper/relay-body.js';
import { answeredOutcome, sdkFacts, type SdkResponse } from './sdk-call.js';

/** A part of an AI SDK model's stream, by the fields read here (every specification version has them). */
type StreamPart = { type?: unknown; delta?: unknown; textDelta?: unknown; id?: unknown; modelId?: unknown; usage?: unknown; finishReason?: unknown; providerMetadata?: unknown };

/**
 * A model's stream, passed on part by part unchanged, while the call's facts are gathered: the
 * `response-metadata` part (id, model), the text and reasoning deltas (for an estimate when the
 * stream is left early), and the `finish` part (usage, finish reason, provider metadata). The
 * call is recorded once, when the stream ends, as the proxy records a stream (its answer began:
 * HTTP 200): `ok` once the finish part came; left by the caller before it, by abort or cancel,
 * `aborted` (`client_disconnected`, output estimated from what was streamed); a stream that failed,
 * or ended without a finish (an `error` part), `error` (`upstream_stream_error`).
 */
export function recordStream<P>({ call, source, headers }: { call: PendingCall; source: ReadableStream<P>; headers: SdkResponse['headers'] }): ReadableStream<P> {
  const { signal } = call;
  const response: SdkResponse = { headers };
  const text: string[] = [];
  let finish: StreamPart | undefined;
  let timeToFirstChunkMs: number | null = null;
  let ended = false;
  const end = (how: BodyEnd | { kind: 'aborted' }): void => {
    if (ended) return;
    ended = true;
    signal?.removeEventListener('abort', onAbort);
    const aborted = endedByCaller(how, signal);
    // The whole answer came when its finish part did, whatever the caller does after.
    const answered = finish !== undefined && how.kind !== 'failed';
    const facts = sdkFacts(call, { response, usage: answered ? finish?.usage : undefined, providerMetadata: finish?.providerMetadata, finishReason: finish?.finishReason });
    const outcome = answeredOutcome({ facts, headers, outputText: text.join(''), streamed: true, timeToFirstChunkMs });
    if (answered) commitCall(call, outcome);
    else commitCall(call, { ...outcome, status: aborted ? 'aborted' : 'error', errorType: aborted ? 'client_disconnected' : 'upstream_stream_error' });
  };
  const onAbort = (): void => end({ kind: 'aborted' });
  signal?.addEventListener('abort', onAbort, { once: true });
  return relayBody<P, P>(source, {
    push(part) {
      const { type } = part as StreamPart;
      if (type !== 'stream-start') timeToFirstChunkMs ??= performance.now() - call.start.t0;
      if (type === 'text-delta' || type === 'reasoning-delta') {
        const delta = (part as StreamPart).delta ?? (part as StreamPart).textDelta;
        if (typeof delta === 'string') text.push(delta);
      } else if (type === 'response-metadata') {
        const { id, modelId } = part as StreamPart;
        if (typeof id === 'string') response.id = id;
        if (typeof modelId === 'string') response.modelId = modelId;
      } else if (type === 'finish') {
        finish = part as StreamPart;
      }
      return part;
    },
    end,
  });
}

import { performance } from 'node:perf_hooks';
import { commitCall, type PendingCall } from '../wrapper/commit-call.js';
import { relayBody, type BodyEnd } from '../wrapper/relay-body.js';
import { answeredOutcome, failedOutcome, sdkFacts, type SdkResponse } from './sdk-call.js';

/** A part of an AI SDK model's stream, by the fields read here (every specification version has them). */
type StreamPart = { type?: unknown; delta?: unknown; textDelta?: unknown; id?: unknown; modelId?: unknown; usage?: unknown; finishReason?: unknown; providerMetadata?: unknown; error?: unknown };

/**
 * A model's stream, passed on part by part unchanged, while the call's facts are gathered: the
 * `response-metadata` part (id, model), the text and reasoning deltas (for an estimate when the
 * stream is left early), and the `finish` part (usage, finish reason, provider metadata). The
 * call is recorded once, when the stream ends: read to its end (`ok`), an `error` part without a
 * finish or a stream that failed (`error`), or left by the caller, by abort or cancel (`aborted`,
 * output estimated from what was streamed).
 */
export function recordStream<P>({ call, source, headers }: { call: PendingCall; source: ReadableStream<P>; headers: SdkResponse['headers'] }): ReadableStream<P> {
  const { signal } = call;
  const response: SdkResponse = { headers };
  const text: string[] = [];
  let finish: StreamPart | undefined;
  let errorPart: unknown;
  let timeToFirstChunkMs: number | null = null;
  let ended = false;
  const end = (how: BodyEnd | { kind: 'aborted' }): void => {
    if (ended) return;
    ended = true;
    signal?.removeEventListener('abort', onAbort);
    const outputText = text.join('');
    const aborted = how.kind === 'aborted' || how.kind === 'cancelled' || (how.kind === 'failed' && signal?.aborted === true);
    if (!aborted && how.kind === 'complete' && finish !== undefined) {
      const facts = sdkFacts(call, { response, usage: finish.usage, providerMetadata: finish.providerMetadata, finishReason: finish.finishReason });
      commitCall(call, answeredOutcome({ facts, headers, outputText, streamed: true, timeToFirstChunkMs }));
      return;
    }
    const error = aborted ? new DOMException('The caller left the stream', 'AbortError') : how.kind === 'failed' ? how.error : errorPart;
    const outcome = failedOutcome({ error, signal, streamed: true, outputText, timeToFirstChunkMs });
    // A stream that ended without a finish part, nor an error, was cut by the upstream.
    commitCall(call, !aborted && error === undefined ? { ...outcome, errorType: 'upstream_stream_error' } : outcome);
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
      } else if (type === 'error') {
        errorPart = (part as StreamPart).error ?? new Error('stream error');
      }
      return part;
    },
    end,
  });
}

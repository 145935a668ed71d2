import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import type { Attribution } from '../proxy/attribution.js';
import { prepareRequest } from '../recording/prepare-request.js';
import type { CallStart } from '../recording/build-call.js';
import { hasCprHeaders, resolveAttribution, stripCprHeaders, type FixedAttribution } from './call-attribution.js';
import { NO_FACTS } from '../recording/outcomes.js';
import { commitCall, warnRecordingFailure, type CommitDeps, type PendingCall } from './commit-call.js';
import { recordedOperation } from './recorded-operation.js';
import { recordResponse } from './record-response.js';

/** The `fetch` the OpenAI client calls. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What a recording fetch needs. */
export interface RecordingFetchDeps extends CommitDeps, FixedAttribution {
  /** The clock for `started_at`, ms since the epoch. */
  now: () => number;
  /** Told of each recorded call's attribution, when it names a conversation or ticket. */
  onAttribution?: ((attribution: Attribution, at: number) => void) | undefined;
}

/** The request body as bytes, when it is held in memory (the SDK sends JSON as a string). */
function bodyBytes(body: RequestInit['body']): Buffer | null {
  if (typeof body === 'string') return Buffer.from(body, 'utf8');
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return null;
}

/** The error kind of a request that never got an answer, in the proxy's words. */
function connectionErrorType(error: unknown): string {
  const code = ((error as { cause?: { code?: unknown } } | null)?.cause?.code ?? (error as { code?: unknown } | null)?.code) as unknown;
  return typeof code === 'string' && /TIMEOUT/.test(code) ? 'upstream_timeout' : 'upstream_unreachable';
}

/**
 * Sets a recorded request up as the proxy does: `x-cpr-*` headers read and removed, the body
 * parsed and, for a chat or legacy completion streamed without usage, usage asked for. Returns
 * the call and the init to send, or `null` for a request that is not recorded.
 */
function begin({ url, init }: { url: string; init: RequestInit }, deps: RecordingFetchDeps): { call: PendingCall; init: RequestInit } | null {
  const operation = recordedOperation(init.method ?? 'GET', url);
  if (operation === null) return null;
  const headers = new Headers(init.headers);
  const attribution = resolveAttribution(headers, deps);
  stripCprHeaders(headers);
  const raw = bodyBytes(init.body);
  // A body that is not in memory (a stream) is sent as it is and the call recorded from its answer.
  const prepared = prepareRequest(operation, raw ?? Buffer.alloc(0));
  if (prepared.injectedUsage) headers.delete('content-length');
  const start: CallStart = {
    callId: randomUUID(),
    startedAt: deps.now(),
    t0: performance.now(),
    provider: 'openai',
    operation,
    requestModel: prepared.requestModel,
    requestJson: prepared.json,
    conversationId: attribution.conversationId,
    ticketId: attribution.ticketId,
    source: 'wrapper',
  };
  if (deps.onAttribution && (attribution.conversationId || attribution.ticketId)) {
    const { onAttribution } = deps;
    setImmediate(() => {
      try {
        onAttribution(attribution, start.startedAt);
      } catch (error) {
        warnRecordingFailure('onAttribution threw', error);
      }
    });
  }
  const body = prepared.injectedUsage ? prepared.body : init.body;
  return { call: { start, prepared, signal: init.signal, deps }, init: { ...init, headers, body } };
}

/**
 * Wraps the OpenAI client's `fetch` so that its recorded operations are recorded like the proxy
 * records them. Everything else passes through untouched (but for `x-cpr-*` headers, which never
 * leave the process). What the caller gets is the upstream's answer: the same `Response` for a
 * non-streamed call, a `Response` over the same bytes for a stream (minus the usage chunk when
 * usage was asked for on its behalf). Recording never throws into the caller.
 */
export function createRecordingFetch(inner: Fetch, deps: RecordingFetchDeps): Fetch {
  return async function recordingFetch(input, init) {
    let begun: ReturnType<typeof begin> = null;
    let sent = init;
    try {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
      begun = url === null || init === undefined ? null : begin({ url, init }, deps);
      if (begun) sent = begun.init;
      else if (init?.headers !== undefined) {
        const headers = new Headers(init.headers);
        if (hasCprHeaders(headers)) {
          stripCprHeaders(headers);
          sent = { ...init, headers };
        }
      }
    } catch (error) {
      warnRecordingFailure('a request could not be prepared for recording; sent as is', error);
      begun = null;
      sent = init;
    }
    if (!begun) return inner(input, sent);
    const { call } = begun;
    let response: Response;
    try {
      response = await inner(input, sent);
    } catch (error) {
      const aborted = call.signal?.aborted === true;
      commitCall(call, {
        status: aborted ? 'aborted' : 'error',
        httpStatus: null,
        errorType: aborted ? 'client_disconnected' : connectionErrorType(error),
        facts: NO_FACTS,
        outputText: '',
        streamed: call.prepared.stream,
        timeToFirstChunkMs: null,
        upstreamRequestId: null,
      });
      throw error;
    }
    return recordResponse(call, response);
  };
}

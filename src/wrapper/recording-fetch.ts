import { performance } from 'node:perf_hooks';
import type { Attribution } from '../proxy/attribution.js';
import type { CallStart } from '../recording/build-call.js';
import { newCallId } from '../recording/call-id.js';
import { prepareRequest } from '../recording/prepare-request.js';
import { cprHeadersOf, notifyAttribution, resolveAttribution, withoutCprHeaders, type FixedAttribution } from './call-attribution.js';
import { NO_FACTS } from '../recording/outcomes.js';
import { commitCall, warnRecordingFailure, type CommitDeps, type PendingCall } from './commit-call.js';
import { recordedOperation } from './recorded-operation.js';
import { recordResponse } from './record-response.js';
import type { Provider } from '../usage/types.js';

/** The `fetch` an SDK client (OpenAI's, Anthropic's) calls. */
export type Fetch = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

/** What a recording fetch needs. */
export interface RecordingFetchDeps extends CommitDeps, FixedAttribution {
  /** The clock for `started_at`, ms since the epoch. */
  now: () => number;
  /** Told of each recorded call's attribution, when it names a conversation or ticket. */
  onAttribution?: ((attribution: Attribution, at: number) => void) | undefined;
  /** The company whose API the client calls; `null` when unknown. */
  upstreamProvider?: string | null | undefined;
  /** The wire format the client speaks, which says what is recorded and how it is read. Default `openai`. */
  provider?: Provider | undefined;
}

/** The request body when it is held in memory: text as it came (the SDK sends JSON as a string), else bytes. */
function bodyOf(body: RequestInit['body']): Buffer | string | null {
  if (typeof body === 'string') return body;
  if (body instanceof ArrayBuffer) return Buffer.from(body);
  if (ArrayBuffer.isView(body)) return Buffer.from(body.buffer, body.byteOffset, body.byteLength);
  return null;
}

/** The request's headers, read without a copy when they are a `Headers` already (the SDK's are). */
function headersOf(init: RequestInit): Headers {
  return init.headers instanceof Headers ? init.headers : new Headers(init.headers);
}

/** The error kind of a request that never got an answer, in the proxy's words. */
export function connectionErrorType(error: unknown): string {
  const code = ((error as { cause?: { code?: unknown } } | null)?.cause?.code ?? (error as { code?: unknown } | null)?.code) as unknown;
  return typeof code === 'string' && /TIMEOUT/.test(code) ? 'upstream_timeout' : 'upstream_unreachable';
}

/**
 * Sets a recorded request up as the proxy does: `x-cpr-*` headers read and removed, the body
 * parsed and, for a chat or legacy completion streamed without usage, usage asked for. Returns
 * the call and the init to send, or `null` for a request that is not recorded.
 */
function begin({ url, init }: { url: string; init: RequestInit }, deps: RecordingFetchDeps): { call: PendingCall; init: RequestInit } | null {
  const provider = deps.provider ?? 'openai';
  const operation = recordedOperation({ method: init.method ?? 'GET', url, provider });
  if (operation === null) return null;
  const given = headersOf(init);
  const cpr = cprHeadersOf(given);
  const attribution = resolveAttribution(cpr, deps);
  // A body that is not in memory (a stream) is sent as it is and the call recorded from its answer.
  const prepared = prepareRequest<Buffer | string>(operation, bodyOf(init.body) ?? '');
  const startedAt = deps.now();
  const start: CallStart = {
    callId: newCallId(startedAt),
    startedAt,
    t0: performance.now(),
    provider,
    upstreamProvider: deps.upstreamProvider ?? null,
    operation,
    requestModel: prepared.requestModel,
    requestJson: prepared.json,
    conversationId: attribution.conversationId,
    ticketId: attribution.ticketId,
    source: 'wrapper',
  };
  notifyAttribution({ onAttribution: deps.onAttribution, attribution, at: start.startedAt });
  const call: PendingCall = { start, prepared, signal: init.signal, deps };
  // Most calls go out as the client made them; the client's own headers are never changed in place.
  if (cpr === null && !prepared.injectedUsage) return { call, init };
  const headers = withoutCprHeaders(given, cpr);
  if (prepared.injectedUsage) headers.delete('content-length');
  return { call, init: { ...init, headers, body: prepared.injectedUsage ? prepared.body : init.body } };
}

/**
 * Wraps an SDK client's `fetch` (OpenAI's or Anthropic's, as `deps.provider` says) so that its recorded operations are recorded like the proxy
 * records them. Everything else passes through untouched (but for `x-cpr-*` headers, which never
 * leave the process). What the caller gets is the upstream's answer: the same `Response` for a
 * non-streamed call, a `Response` over the same bytes for a stream (minus the usage chunk when
 * usage was asked for on its behalf). Recording never throws into the caller.
 */
export function createRecordingFetch(inner: Fetch, deps: RecordingFetchDeps): Fetch {
  return function recordingFetch(input, init) {
    let begun: ReturnType<typeof begin> = null;
    let sent = init;
    try {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : null;
      begun = url === null || init === undefined ? null : begin({ url, init }, deps);
      if (begun) sent = begun.init;
      else if (init?.headers !== undefined) {
        const headers = headersOf(init);
        const cpr = cprHeadersOf(headers);
        if (cpr !== null) sent = { ...init, headers: withoutCprHeaders(headers, cpr) };
      }
    } catch (error) {
      warnRecordingFailure('a request could not be prepared for recording; sent as is', error);
      begun = null;
      sent = init;
    }
    let answer: Promise<Response>;
    try {
      answer = Promise.resolve(inner(input, sent));
    } catch (error) {
      // A fetch that throws instead of rejecting: the caller gets a rejection, as from any fetch.
      answer = Promise.reject(error);
    }
    if (!begun) return answer;
    const { call } = begun;
    // `then`, not an async function: two promises fewer on every call.
    return answer.then(
      (response) => recordResponse(call, response),
      (error: unknown) => {
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
      },
    );
  };
}

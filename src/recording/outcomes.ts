import { outputTextOf } from '../usage/output-text.js';
import { readResponse, type ResponseFacts } from '../usage/read-response.js';
import type { StreamTally } from '../usage/stream-tally.js';
import type { Operation, Provider } from '../usage/types.js';
import { errorTypeOf, type CallOutcome } from './build-call.js';

/** A response that said nothing about itself. */
export const NO_FACTS: Readonly<ResponseFacts> = Object.freeze({ model: null, id: null, finishReasons: [], usage: null });

/**
 * The outcome of a non-streamed answer read whole: `ok` below 400, else `error` named by its
 * body. Shared by the proxy and the wrapper so that both record the same row.
 */
export function bufferedOutcome(options: {
  provider: Provider;
  operation: Operation;
  httpStatus: number;
  /** The parsed body; `undefined` when it was not JSON. */
  json: unknown;
  upstreamRequestId: string | null;
}): CallOutcome {
  const { provider, operation, httpStatus, json } = options;
  const failed = httpStatus >= 400;
  return {
    status: failed ? 'error' : 'ok',
    httpStatus,
    errorType: failed ? errorTypeOf(json, httpStatus) : null,
    facts: readResponse(provider, operation, json),
    outputText: failed ? '' : outputTextOf(operation, json),
    streamed: false,
    timeToFirstChunkMs: null,
    upstreamRequestId: options.upstreamRequestId,
  };
}

/**
 * The outcome of a streamed answer: read to its end (`ok`), left by the client (`aborted`), or
 * cut by the upstream (`error`), with what the stream said so far.
 */
export function streamOutcome(options: {
  tally: StreamTally;
  httpStatus: number;
  end: 'ended' | 'aborted' | 'died';
  /** The upstream died by going quiet for longer than the timeout: `upstream_timeout`, not `upstream_stream_error`. */
  timedOut?: boolean;
  timeToFirstChunkMs: number | null;
  upstreamRequestId: string | null;
}): CallOutcome {
  const { end } = options;
  return {
    status: end === 'aborted' ? 'aborted' : end === 'died' ? 'error' : 'ok',
    httpStatus: options.httpStatus,
    errorType: end === 'aborted' ? 'client_disconnected' : end === 'died' ? diedOf(options.timedOut) : null,
    facts: options.tally.facts(),
    outputText: options.tally.text(),
    streamed: true,
    timeToFirstChunkMs: options.timeToFirstChunkMs,
    upstreamRequestId: options.upstreamRequestId,
  };
}

/** Why an upstream answer stopped short: it went quiet past the timeout, or it was cut. */
function diedOf(timedOut: boolean | undefined): string {
  return timedOut ? 'upstream_timeout' : 'upstream_stream_error';
}

/** The outcome of a non-streamed answer whose body was cut (or went quiet past the timeout) while it was read. */
export function cutBodyOutcome(options: { aborted: boolean; timedOut?: boolean; httpStatus: number; upstreamRequestId: string | null }): CallOutcome {
  return {
    status: options.aborted ? 'aborted' : 'error',
    httpStatus: options.httpStatus,
    errorType: options.aborted ? 'client_disconnected' : diedOf(options.timedOut),
    facts: NO_FACTS,
    outputText: '',
    streamed: false,
    timeToFirstChunkMs: null,
    upstreamRequestId: options.upstreamRequestId,
  };
}

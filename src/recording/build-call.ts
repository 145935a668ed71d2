import { performance } from 'node:perf_hooks';
import type { CallSource, CallStatus, LlmCall } from '../ledger/types.js';
import type { PriceBook } from '../pricing/price-book.js';
import { priceCall } from '../pricing/price-call.js';
import { countTokens, estimateInputTokens } from '../usage/estimate.js';
import type { ResponseFacts } from '../usage/read-response.js';
import type { Operation, Provider, Usage } from '../usage/types.js';

/** What is known of a call when its request leaves: the same for the proxy and the in-process wrapper. */
export interface CallStart {
  callId: string;
  /** ms since the epoch. */
  startedAt: number;
  /** `performance.now()` at the start, for durations. */
  t0: number;
  provider: Provider;
  /** The company whose API serves the call (a property of the upstream); `null` when unknown. */
  upstreamProvider?: string | null;
  /** The proxy's upstream, by name; absent in process. */
  upstream?: string | null;
  operation: Operation;
  requestModel: string | null;
  /** The parsed request body, for estimating input tokens; `undefined` when it was not JSON. */
  requestJson: unknown;
  conversationId: string | null;
  ticketId: string | null;
  source: CallSource;
}

/** How a call ended. */
export interface CallOutcome {
  status: CallStatus;
  httpStatus: number | null;
  errorType: string | null;
  facts: ResponseFacts;
  /** Text the model produced so far, for estimating output tokens when usage is missing. */
  outputText: string;
  streamed: boolean;
  timeToFirstChunkMs: number | null;
  upstreamRequestId: string | null;
}

/**
 * Decides the usage of a call: the provider's when the call completed with it; otherwise, for a
 * call cut short or answered without usage, an estimate counted with the tokenizer and flagged.
 */
export function settleUsage(start: CallStart, outcome: CallOutcome): { usage: Usage | null; estimated: boolean } {
  const reported = outcome.facts.usage;
  if (outcome.status === 'ok' && reported) return { usage: reported, estimated: false };
  // A failure before any output bills nothing beyond what the provider says (usually nothing).
  if (outcome.status === 'error' && outcome.outputText === '') return { usage: reported, estimated: false };
  // Anthropic's `message_start` reports the input before any cut; keep it when it is there.
  const inputTokens = reported?.inputTokens || estimateInputTokens(start.operation, start.requestJson);
  return {
    usage: {
      inputTokens,
      cacheReadTokens: reported?.cacheReadTokens ?? 0,
      cacheWriteTokens: reported?.cacheWriteTokens ?? 0,
      outputTokens: countTokens(outcome.outputText),
      reasoningTokens: 0,
      // What the provider said before the cut still tells the rate (Anthropic's `message_start`).
      ...(reported?.serviceTier ? { serviceTier: reported.serviceTier } : {}),
    },
    estimated: true,
  };
}

/** Builds the priced ledger row of a finished call. Pure but for the clock. */
export function buildCall(start: CallStart, outcome: CallOutcome, prices: PriceBook): LlmCall {
  const { usage, estimated } = settleUsage(start, outcome);
  const model = outcome.facts.model ?? start.requestModel;
  const upstreamProvider = start.upstreamProvider ?? null;
  const priced = priceCall({ provider: start.provider, upstreamProvider, model, usage, status: outcome.status, at: start.startedAt }, prices);
  return {
    id: start.callId,
    startedAt: start.startedAt,
    conversationId: start.conversationId,
    ticketId: start.ticketId,
    provider: start.provider,
    upstreamProvider,
    upstream: start.upstream ?? null,
    operation: start.operation,
    requestModel: start.requestModel,
    responseModel: outcome.facts.model,
    usage,
    costUsd: priced.costUsd,
    computedCostUsd: priced.computedCostUsd,
    costSource: priced.costSource,
    prices: priced.prices,
    status: outcome.status,
    httpStatus: outcome.httpStatus,
    errorType: outcome.errorType,
    estimated,
    streamed: outcome.streamed,
    latencyMs: performance.now() - start.t0,
    timeToFirstChunkMs: outcome.timeToFirstChunkMs,
    upstreamRequestId: outcome.upstreamRequestId,
    responseId: outcome.facts.id,
    finishReasons: outcome.facts.finishReasons,
    source: start.source,
  };
}

/** The upstream's request id header (`x-request-id`, Anthropic's `request-id`). */
export function upstreamRequestId(get: (name: string) => string | null | undefined): string | null {
  return get('x-request-id') ?? get('request-id') ?? null;
}

/**
 * What an error code looks like: a word of letters, digits, `_` and `.`, at most 64 characters.
 * The upstream's body is not trusted: a sentence, or a credential it echoes back (keys have
 * dashes and are longer), is not stored in the ledger nor put on a span.
 */
const ERROR_CODE = /^[A-Za-z][A-Za-z0-9_.]{0,63}$/;

/** The error kind an upstream error body names (`error.code`, else `error.type`) when it looks like a code, else `http_<status>`. */
export function errorTypeOf(json: unknown, status: number): string {
  const error = (json as { error?: { type?: unknown; code?: unknown } } | null)?.error;
  const isCode = (value: unknown): value is string => typeof value === 'string' && ERROR_CODE.test(value);
  // OpenAI's `code` (`rate_limit_exceeded`) is more specific than its `type` (`tokens`); Anthropic has only `type`.
  const named = isCode(error?.code) ? error.code : isCode(error?.type) ? error.type : null;
  return named ?? `http_${status}`;
}

import type { IncomingMessage, ServerResponse } from 'node:http';
import { performance } from 'node:perf_hooks';
import type { CallRecorder } from '../ledger/call-recorder.js';
import type { CallStatus, LlmCall } from '../ledger/types.js';
import type { PriceBook } from '../pricing/price-book.js';
import { priceCall } from '../pricing/price-call.js';
import { countTokens, estimateInputTokens } from '../usage/estimate.js';
import type { ResponseFacts } from '../usage/read-response.js';
import type { Operation, Usage } from '../usage/types.js';
import type { Attribution } from './attribution.js';
import type { PreparedRequest } from './prepare-request.js';
import type { ProxyRoute } from './routes.js';

/** One recorded request in flight through the proxy. */
export interface Exchange {
  req: IncomingMessage;
  res: ServerResponse;
  route: ProxyRoute & { operation: Operation };
  attribution: Attribution;
  prepared: PreparedRequest;
  callId: string;
  /** ms since the epoch. */
  startedAt: number;
  /** `performance.now()` at the start, for durations. */
  t0: number;
  /** Aborts the upstream request; fired when the client goes away. */
  abort: AbortController;
  /** True once the client went away before its response ended. */
  clientGone: boolean;
}

/** How an exchange ended. */
export interface Outcome {
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

/** What finishing a call needs besides the exchange. */
export interface FinishDeps {
  recorder: CallRecorder;
  prices: PriceBook;
}

/**
 * Decides the usage of a call: the provider's when it reported any; otherwise, for a call that
 * produced (or was producing) an answer, an estimate counted with the tokenizer and flagged.
 */
export function settleUsage(exchange: Exchange, outcome: Outcome): { usage: Usage | null; estimated: boolean } {
  const reported = outcome.facts.usage;
  if (outcome.status === 'ok' && reported) return { usage: reported, estimated: false };
  // A failure before any output bills nothing beyond what the provider says (usually nothing).
  if (outcome.status === 'error' && outcome.outputText === '') return { usage: reported, estimated: false };
  // Cut short (client gone, upstream died mid-stream) or no usage reported: count it ourselves.
  // Anthropic's `message_start` reports the input before any cut; keep it when it is there.
  const inputTokens = reported?.inputTokens || estimateInputTokens(exchange.route.operation, exchange.prepared.json);
  return {
    usage: {
      inputTokens,
      cacheReadTokens: reported?.cacheReadTokens ?? 0,
      cacheWriteTokens: reported?.cacheWriteTokens ?? 0,
      outputTokens: countTokens(outcome.outputText),
      reasoningTokens: 0,
    },
    estimated: true,
  };
}

/** Builds the ledger row of an exchange, prices it and commits it. Resolves once committed (or buffered). */
export async function finishExchange(exchange: Exchange, outcome: Outcome, deps: FinishDeps): Promise<LlmCall> {
  const { usage, estimated } = settleUsage(exchange, outcome);
  const model = outcome.facts.model ?? exchange.prepared.requestModel;
  const { costUsd, prices } = priceCall(
    { provider: exchange.route.provider, model, usage, status: outcome.status, at: exchange.startedAt },
    deps.prices,
  );
  const call: LlmCall = {
    id: exchange.callId,
    startedAt: exchange.startedAt,
    conversationId: exchange.attribution.conversationId,
    ticketId: exchange.attribution.ticketId,
    provider: exchange.route.provider,
    operation: exchange.route.operation,
    requestModel: exchange.prepared.requestModel,
    responseModel: outcome.facts.model,
    usage,
    costUsd,
    prices,
    status: outcome.status,
    httpStatus: outcome.httpStatus,
    errorType: outcome.errorType,
    estimated,
    streamed: outcome.streamed,
    latencyMs: performance.now() - exchange.t0,
    timeToFirstChunkMs: outcome.timeToFirstChunkMs,
    upstreamRequestId: outcome.upstreamRequestId,
    responseId: outcome.facts.id,
    finishReasons: outcome.facts.finishReasons,
    source: 'proxy',
  };
  await deps.recorder.record(call);
  return call;
}

/** The upstream's request id header. */
export function upstreamRequestId(headers: Record<string, string | string[] | undefined>): string | null {
  const value = headers['x-request-id'] ?? headers['request-id'];
  return typeof value === 'string' ? value : null;
}

import { performance } from 'node:perf_hooks';
import type { Attribution } from '../proxy/attribution.js';
import { errorTypeOf, type CallOutcome, type CallStart } from '../recording/build-call.js';
import { newCallId } from '../recording/call-id.js';
import { NO_FACTS } from '../recording/outcomes.js';
import { geminiModelName } from '../usage/gemini-model-name.js';
import type { ResponseFacts } from '../usage/read-response.js';
import { notifyAttribution, resolveAttribution, type FixedAttribution } from '../wrapper/call-attribution.js';
import type { CommitDeps, PendingCall } from '../wrapper/commit-call.js';
import { connectionErrorType } from '../wrapper/recording-fetch.js';
import { providerIdentity } from './provider-identity.js';
import { sdkUsage } from './sdk-usage.js';

/** What the AI SDK middleware needs to record a call. */
export interface SdkCallDeps extends CommitDeps, FixedAttribution {
  now: () => number;
  onAttribution?: ((attribution: Attribution, at: number) => void) | undefined;
  /** The company whose API serves the model, set by hand; else taken from the model's provider id. */
  upstreamProvider?: string | undefined;
}

/** An AI SDK model, by the two fields every specification version has. */
export interface SdkModel {
  readonly provider: string;
  readonly modelId: string;
}

/** An AI SDK model's response metadata (`response` of a result, or a stream's `response-metadata` part). */
export interface SdkResponse {
  id?: string | undefined;
  modelId?: string | undefined;
  headers?: Record<string, string | undefined> | undefined;
}

/** The prompt's place in a request body of each operation, for estimating input tokens when the provider reports none. */
function requestJsonOf(operation: CallStart['operation'], input: unknown): Record<string, unknown> {
  if (operation === 'embeddings' || operation === 'responses') return { input };
  if (operation === 'completions') return { prompt: input };
  return { messages: input };
}

/**
 * Starts recording one call of an AI SDK model: its identity from the model's provider id, its
 * attribution from the middleware's options or the current request's context (as `wrapOpenAI`
 * has it), and the prompt (`params.prompt`, or an embedding's `values`) kept for an estimate.
 */
export function beginSdkCall(options: { model: SdkModel; embedding: boolean; streamed: boolean; prompt: unknown; signal: AbortSignal | null | undefined }, deps: SdkCallDeps): PendingCall {
  const { model } = options;
  const identity = providerIdentity({ providerId: String(model.provider), embedding: options.embedding, explicit: deps.upstreamProvider });
  const attribution = resolveAttribution(null, deps);
  const startedAt = deps.now();
  const requestModel = modelName(typeof model.modelId === 'string' && model.modelId !== '' ? model.modelId : null, identity.provider);
  const requestJson = requestJsonOf(identity.operation, options.prompt);
  const start: CallStart = {
    callId: newCallId(startedAt),
    startedAt,
    t0: performance.now(),
    provider: identity.provider,
    upstreamProvider: identity.upstreamProvider,
    operation: identity.operation,
    requestModel,
    requestJson,
    conversationId: attribution.conversationId,
    ticketId: attribution.ticketId,
    source: 'ai-sdk',
  };
  notifyAttribution({ onAttribution: deps.onAttribution, attribution, at: startedAt });
  return {
    start,
    prepared: { body: '', json: requestJson, stream: options.streamed, requestModel, injectedUsage: false },
    signal: options.signal,
    deps,
  };
}

/**
 * The finish reason in the provider's words when the SDK keeps them (AI SDK 6 and 7's `{ unified,
 * raw }`), else the SDK's (`stop`; AI SDK 5 keeps only this). A Responses API answer's raw reason
 * is its `incomplete_details.reason`, absent when it completed: the proxy records its `status`
 * then, `completed`, and so does this for an answer the SDK says ended normally.
 */
function finishReasonsOf(reason: unknown, operation: CallStart['operation']): string[] {
  const raw = typeof reason === 'string' ? undefined : (reason as { raw?: unknown } | null)?.raw;
  const unified = typeof reason === 'string' ? reason : (reason as { unified?: unknown } | null)?.unified;
  if (typeof raw === 'string' && raw !== '') return [raw];
  if (operation === 'responses' && (unified === 'stop' || unified === 'tool-calls')) return ['completed'];
  return typeof unified === 'string' && unified !== '' ? [unified] : [];
}

const str = (value: unknown): string | null => (typeof value === 'string' && value !== '' ? value : null);

/** A model as the ledger names it: Google's providers take `models/gemini-2.5-flash` as well as `gemini-2.5-flash`. */
function modelName(model: string | null, provider: CallStart['provider']): string | null {
  return model !== null && provider === 'gemini' ? geminiModelName(model) : model;
}

/** The upstream's request id, from the response headers the SDK passes on. */
function requestIdOf(headers: SdkResponse['headers']): string | null {
  return str(headers?.['x-request-id']) ?? str(headers?.['request-id']) ?? null;
}

/** What an AI SDK result says of itself, as the ledger records it. */
export function sdkFacts(call: PendingCall, result: { response?: SdkResponse | undefined; usage?: unknown; providerMetadata?: unknown; finishReason?: unknown }): ResponseFacts {
  return {
    model: modelName(str(result.response?.modelId), call.start.provider),
    id: str(result.response?.id),
    finishReasons: finishReasonsOf(result.finishReason, call.start.operation),
    usage: sdkUsage({ usage: result.usage, providerMetadata: result.providerMetadata, provider: call.start.provider }),
  };
}

/** The outcome of a call the model answered: `ok`, with what its result says. */
export function answeredOutcome(options: {
  facts: ResponseFacts;
  headers: SdkResponse['headers'];
  outputText: string;
  streamed: boolean;
  timeToFirstChunkMs: number | null;
}): CallOutcome {
  return {
    status: 'ok',
    // A result means a 2xx answer: the AI SDK throws for any other.
    httpStatus: 200,
    errorType: null,
    facts: options.facts,
    outputText: options.outputText,
    streamed: options.streamed,
    timeToFirstChunkMs: options.timeToFirstChunkMs,
    upstreamRequestId: requestIdOf(options.headers),
  };
}

function parsed(body: unknown): unknown {
  if (typeof body !== 'string') return body;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * The outcome of a call that failed: the upstream's error answer (the SDK's `APICallError`, with
 * its status and body, named as the proxy names it), the caller's abort, or no answer at all.
 */
export function failedOutcome(options: { error: unknown; signal: AbortSignal | null | undefined; streamed: boolean; outputText?: string; timeToFirstChunkMs?: number | null }): CallOutcome {
  const { error, signal } = options;
  const base = { facts: NO_FACTS, outputText: options.outputText ?? '', streamed: options.streamed, timeToFirstChunkMs: options.timeToFirstChunkMs ?? null };
  const status = (error as { statusCode?: unknown } | null)?.statusCode;
  if (typeof status === 'number' && status >= 400) {
    const headers = (error as { responseHeaders?: SdkResponse['headers'] }).responseHeaders;
    return { ...base, status: 'error', httpStatus: status, errorType: errorTypeOf(parsed((error as { responseBody?: unknown }).responseBody), status), upstreamRequestId: requestIdOf(headers) };
  }
  const name = (error as { name?: unknown } | null)?.name;
  if (signal?.aborted === true || name === 'AbortError') return { ...base, status: 'aborted', httpStatus: null, errorType: 'client_disconnected', upstreamRequestId: null };
  return { ...base, status: 'error', httpStatus: null, errorType: connectionErrorType(error), upstreamRequestId: null };
}

import type { Attributes } from '@opentelemetry/api';
import type { LlmCall } from '../ledger/types.js';
import {
  ATTR_CPR_CALL_ID,
  ATTR_CPR_CALL_STATUS,
  ATTR_CPR_UPSTREAM,
  ATTR_CPR_TICKET_ID,
  ATTR_CPR_USAGE_ESTIMATED,
  ATTR_ERROR_TYPE,
  ATTR_GEN_AI_CONVERSATION_ID,
  ATTR_GEN_AI_OPERATION_NAME,
  ATTR_GEN_AI_PROVIDER_NAME,
  ATTR_GEN_AI_REQUEST_MODEL,
  ATTR_GEN_AI_RESPONSE_FINISH_REASONS,
  ATTR_GEN_AI_RESPONSE_ID,
  ATTR_GEN_AI_RESPONSE_MODEL,
  ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_COST,
  ATTR_GEN_AI_USAGE_INPUT_TOKENS,
  ATTR_GEN_AI_USAGE_OUTPUT_TOKENS,
  ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS,
  ATTR_SERVER_ADDRESS,
  ATTR_SERVER_PORT,
  ERROR_TYPE_OTHER,
  OPERATION_NAMES,
  PROVIDER_NAMES,
  UPSTREAM_PROVIDER_NAMES,
} from './semconv.js';

/** The GenAI server a call went to (`server.address`, `server.port`). */
export interface ServerAddress {
  address: string;
  port?: number;
}

/** `error.type` of a failed call (its `errorType`, else its HTTP status, else `_OTHER`); `undefined` when it succeeded. */
export function callErrorType(call: LlmCall): string | undefined {
  if (call.status === 'ok') return undefined;
  return call.errorType ?? (call.httpStatus !== null ? String(call.httpStatus) : ERROR_TYPE_OTHER);
}

/** `{gen_ai.operation.name} {gen_ai.request.model}` as the conventions name it; the response's model when no request model is known. */
export function callSpanName(call: LlmCall): string {
  // The conventions name a span after the requested model; the response's is an attribute.
  const model = call.requestModel ?? call.responseModel;
  const operation = OPERATION_NAMES[call.operation];
  return model ? `${operation} ${model}` : operation;
}

/**
 * The low-cardinality attributes shared by every metric of a call: operation, provider, models,
 * server and, on failure, `error.type`. Never a conversation or ticket id.
 */
export function callMetricAttributes(call: LlmCall, server?: ServerAddress): Attributes {
  const attributes: Attributes = {
    [ATTR_GEN_AI_OPERATION_NAME]: OPERATION_NAMES[call.operation],
    [ATTR_GEN_AI_PROVIDER_NAME]: (call.upstreamProvider ? UPSTREAM_PROVIDER_NAMES[call.upstreamProvider] : undefined) ?? PROVIDER_NAMES[call.provider],
  };
  if (call.requestModel !== null) attributes[ATTR_GEN_AI_REQUEST_MODEL] = call.requestModel;
  if (call.responseModel !== null) attributes[ATTR_GEN_AI_RESPONSE_MODEL] = call.responseModel;
  if (server) {
    attributes[ATTR_SERVER_ADDRESS] = server.address;
    if (server.port !== undefined) attributes[ATTR_SERVER_PORT] = server.port;
  }
  const errorType = callErrorType(call);
  if (errorType !== undefined) attributes[ATTR_ERROR_TYPE] = errorType;
  return attributes;
}

/**
 * Every attribute of a call's span. An unknown value is left out, never written as 0: an unpriced
 * call has no `gen_ai.usage.cost`, a call without usage has no token counts. The cache and
 * reasoning parts are left out when 0, since the ledger cannot tell "none" from "not reported".
 */
export function callSpanAttributes(call: LlmCall, server?: ServerAddress): Attributes {
  const attributes: Attributes = {
    ...callMetricAttributes(call, server),
    [ATTR_CPR_CALL_ID]: call.id,
    [ATTR_CPR_CALL_STATUS]: call.status,
  };
  if (call.responseId !== null) attributes[ATTR_GEN_AI_RESPONSE_ID] = call.responseId;
  if (call.finishReasons.length > 0) attributes[ATTR_GEN_AI_RESPONSE_FINISH_REASONS] = [...call.finishReasons];
  if (call.conversationId !== null) attributes[ATTR_GEN_AI_CONVERSATION_ID] = call.conversationId;
  if (call.ticketId !== null) attributes[ATTR_CPR_TICKET_ID] = call.ticketId;
  if (call.upstream) attributes[ATTR_CPR_UPSTREAM] = call.upstream;
  const { usage } = call;
  if (usage !== null) {
    attributes[ATTR_GEN_AI_USAGE_INPUT_TOKENS] = usage.inputTokens;
    // An embedding has no output; 0 there would read as a measurement.
    if (call.operation !== 'embeddings') attributes[ATTR_GEN_AI_USAGE_OUTPUT_TOKENS] = usage.outputTokens;
    if (usage.cacheReadTokens > 0) attributes[ATTR_GEN_AI_USAGE_CACHE_READ_INPUT_TOKENS] = usage.cacheReadTokens;
    if (usage.cacheWriteTokens > 0) attributes[ATTR_GEN_AI_USAGE_CACHE_CREATION_INPUT_TOKENS] = usage.cacheWriteTokens;
    if (usage.reasoningTokens > 0) attributes[ATTR_GEN_AI_USAGE_REASONING_OUTPUT_TOKENS] = usage.reasoningTokens;
    attributes[ATTR_CPR_USAGE_ESTIMATED] = call.estimated;
  }
  if (call.costUsd !== null) attributes[ATTR_GEN_AI_USAGE_COST] = call.costUsd;
  return attributes;
}

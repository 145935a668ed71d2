import type { LlmCall } from '../../src/ledger/types.js';

/** 2025-01-15T10:00:00Z: 1,736,935,200 s exactly, so span times read as [1736935200, nanos]. */
export const T0 = Date.UTC(2025, 0, 15, 10, 0, 0);

/**
 * A priced, non-streamed chat call through the proxy, with cached and reasoning tokens.
 * gpt-4o-mini at 0.15 input, 0.075 cached input, 0.6 output (USD / 1M):
 * (1200 - 1024) x 0.15 + 1024 x 0.075 + 300 x 0.6 = 26.4 + 76.8 + 180 = 283.2 / 1M = $0.0002832.
 */
export function chatCall(overrides: Partial<LlmCall> = {}): LlmCall {
  return {
    id: 'call-1',
    startedAt: T0,
    conversationId: 'conv-1',
    ticketId: 'T-42',
    provider: 'openai',
    operation: 'chat',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    usage: { inputTokens: 1200, cacheReadTokens: 1024, cacheWriteTokens: 0, outputTokens: 300, reasoningTokens: 64 },
    costUsd: 0.0002832,
    prices: { input: 0.15, cachedInput: 0.075, cacheWrite: null, output: 0.6, source: 'genai-prices:openai/gpt-4o-mini' },
    status: 'ok',
    httpStatus: 200,
    errorType: null,
    estimated: false,
    streamed: false,
    latencyMs: 250,
    timeToFirstChunkMs: null,
    upstreamRequestId: 'req_1',
    responseId: 'chatcmpl-abc',
    finishReasons: ['stop'],
    source: 'proxy',
    ...overrides,
  };
}

/** A 429 answered before any output: no usage, and (per `priceCall`) a known cost of 0. */
export function rateLimitedCall(overrides: Partial<LlmCall> = {}): LlmCall {
  return chatCall({
    id: 'call-429',
    responseModel: null,
    usage: null,
    costUsd: 0,
    prices: null,
    status: 'error',
    httpStatus: 429,
    errorType: 'rate_limit_exceeded',
    latencyMs: 120,
    responseId: null,
    finishReasons: [],
    ...overrides,
  });
}

/** A stream the client left after 180 ms to first chunk and 900 ms in all; usage estimated (40 in, 12 out). */
export function abortedStreamCall(overrides: Partial<LlmCall> = {}): LlmCall {
  return chatCall({
    id: 'call-aborted',
    usage: { inputTokens: 40, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 12, reasoningTokens: 0 },
    // 40 x 0.15 + 12 x 0.6 = 6 + 7.2 = 13.2 / 1M.
    costUsd: 0.0000132,
    status: 'aborted',
    errorType: 'client_disconnected',
    estimated: true,
    streamed: true,
    latencyMs: 900,
    timeToFirstChunkMs: 180,
    finishReasons: [],
    ...overrides,
  });
}

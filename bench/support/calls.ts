/** Realistic ledger rows for the ledger benchmarks: what the proxy records for the fake upstream's answer. */
import { randomUUID } from 'node:crypto';
import type { LlmCall } from '../../src/ledger/types.js';

/** Options of {@link benchCall}. */
export interface BenchCallOptions {
  /** ms since the epoch. */
  startedAt: number;
  /** One of this many conversations (they repeat, as a support bot's do). Default 5,000. */
  conversations?: number;
  /** Which call this is (picks the conversation). */
  n: number;
}

/** One priced, attributed chat completion call, as the proxy would record it. */
export function benchCall({ startedAt, conversations = 5_000, n }: BenchCallOptions): LlmCall {
  return {
    id: randomUUID(),
    startedAt,
    conversationId: `conv-${n % conversations}`,
    ticketId: null,
    provider: 'openai',
    operation: 'chat',
    requestModel: 'gpt-4o-mini',
    responseModel: 'gpt-4o-mini-2024-07-18',
    usage: { inputTokens: 182, cacheReadTokens: 0, cacheWriteTokens: 0, outputTokens: 131, reasoningTokens: 0 },
    costUsd: 0.0001059,
    prices: { input: 0.15, cachedInput: 0.075, cacheWrite: null, output: 0.6, source: 'genai-prices:openai/gpt-4o-mini' },
    status: 'ok',
    httpStatus: 200,
    errorType: null,
    estimated: false,
    streamed: false,
    latencyMs: 812.4 + (n % 97),
    timeToFirstChunkMs: null,
    upstreamRequestId: `req_${n}`,
    responseId: `chatcmpl-${n}`,
    finishReasons: ['stop'],
    source: 'proxy',
  };
}

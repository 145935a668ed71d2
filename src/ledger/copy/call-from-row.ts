import type { Usage } from '../../usage/types.js';
import { USAGE_PART_COLUMNS } from '../usage-columns.js';
import type { LlmCall } from '../types.js';


/** A row of `llm_calls` as better-sqlite3 returns it. */
export type CallRow = Record<string, string | number | null>;

const text = (value: unknown): string | null => (value === null || value === undefined ? null : String(value));
const num = (value: unknown): number | null => (value === null || value === undefined ? null : Number(value));

/**
 * The call a row of a SQLite ledger's `llm_calls` stores: the inverse of `callToRow` in
 * `sqlite/call-store.ts`. A row without token counts had no usage, one without an input price
 * was unpriced; a part of the usage stored as `NULL` stays absent (not known). Pure.
 */
export function callFromRow(row: CallRow): LlmCall {
  let usage: Usage | null = null;
  if (row.input_tokens !== null) {
    usage = {
      inputTokens: Number(row.input_tokens), cacheReadTokens: Number(row.cache_read_tokens ?? 0), cacheWriteTokens: Number(row.cache_write_tokens ?? 0),
      outputTokens: Number(row.output_tokens ?? 0), reasoningTokens: Number(row.reasoning_tokens ?? 0),
    };
    for (const [column, key] of USAGE_PART_COLUMNS) {
      const value = row[column];
      if (value !== null && value !== undefined) (usage as unknown as Record<string, unknown>)[key] = value;
    }
  }
  const prices: LlmCall['prices'] = row.price_input === null ? null : {
    input: Number(row.price_input), cachedInput: num(row.price_cached_input), cacheWrite: num(row.price_cache_write),
    output: Number(row.price_output), source: String(row.price_source ?? ''),
    ...(row.price_rates === null || row.price_rates === undefined ? {} : { rates: JSON.parse(String(row.price_rates)) as Record<string, number> }),
    ...(row.prices_version === null || row.prices_version === undefined ? {} : { pricesVersion: String(row.prices_version) }),
  };
  return {
    id: String(row.id), startedAt: Number(row.started_at), conversationId: text(row.conversation_id), ticketId: text(row.ticket_id),
    provider: String(row.provider) as LlmCall['provider'], upstreamProvider: text(row.upstream_provider),
    operation: String(row.operation) as LlmCall['operation'], requestModel: text(row.request_model), responseModel: text(row.response_model),
    usage, costUsd: num(row.cost_usd), computedCostUsd: num(row.computed_cost_usd), costSource: text(row.cost_source) as LlmCall['costSource'],
    prices, status: String(row.status) as LlmCall['status'], httpStatus: num(row.http_status), errorType: text(row.error_type),
    estimated: Number(row.estimated) === 1, streamed: Number(row.streamed) === 1, latencyMs: num(row.latency_ms),
    timeToFirstChunkMs: num(row.ttfc_ms), upstreamRequestId: text(row.upstream_request_id), responseId: text(row.response_id),
    finishReasons: row.finish_reasons === null ? [] : (JSON.parse(String(row.finish_reasons)) as string[]),
    source: String(row.source) as LlmCall['source'],
  };
}

import type { Database, Statement } from 'better-sqlite3';
import { USAGE_PART_COLUMNS } from '../usage-columns.js';
import type { LlmCall } from '../types.js';
import type { CostUpdate, RepriceCandidate, TimeWindow } from '../ledger.js';
import type { Usage } from '../../usage/types.js';

/** The columns of `llm_calls`, in insert order. */
const COLUMNS = [
  'id', 'started_at', 'conversation_id', 'ticket_id', 'provider', 'operation',
  'request_model', 'response_model', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens',
  'output_tokens', 'reasoning_tokens', 'cost_usd', 'price_input', 'price_cached_input',
  'price_cache_write', 'price_output', 'price_source', 'status', 'http_status', 'error_type',
  'estimated', 'streamed', 'latency_ms', 'ttfc_ms', 'upstream_request_id', 'response_id',
  'finish_reasons', 'source',
  'upstream_provider', 'cache_write_1h_tokens', 'input_audio_tokens', 'output_audio_tokens',
  'accepted_prediction_tokens', 'rejected_prediction_tokens', 'web_searches', 'file_searches',
  'web_fetches', 'code_executions', 'service_tier', 'inference_geo', 'provider_cost_usd', 'computed_cost_usd',
  'cost_source', 'price_rates', 'prices_version',
  'upstream',
] as const;


/** Turns a call into the positional values of {@link COLUMNS}. */
export function callToRow(call: LlmCall): unknown[] {
  const { usage, prices } = call;
  return [
    call.id, call.startedAt, call.conversationId, call.ticketId, call.provider, call.operation,
    call.requestModel, call.responseModel,
    usage?.inputTokens ?? null, usage?.cacheReadTokens ?? null, usage?.cacheWriteTokens ?? null,
    usage?.outputTokens ?? null, usage?.reasoningTokens ?? null,
    call.costUsd, prices?.input ?? null, prices?.cachedInput ?? null, prices?.cacheWrite ?? null,
    prices?.output ?? null, prices?.source ?? null,
    call.status, call.httpStatus, call.errorType, call.estimated ? 1 : 0, call.streamed ? 1 : 0,
    call.latencyMs, call.timeToFirstChunkMs, call.upstreamRequestId, call.responseId,
    call.finishReasons.length > 0 ? JSON.stringify(call.finishReasons) : null, call.source,
    call.upstreamProvider ?? null,
    ...USAGE_PART_COLUMNS.map(([, key]) => usage?.[key] ?? null),
    call.computedCostUsd ?? null, call.costSource ?? null,
    prices?.rates ? JSON.stringify(prices.rates) : null, prices?.pricesVersion ?? null,
    call.upstream ?? null,
  ];
}

/** A stored usage: the four counts and every part the row has (a `NULL` part stays absent: unknown). */
function rowUsage(row: Record<string, never>): Usage {
  const usage: Usage = {
    inputTokens: row.input_tokens ?? 0,
    cacheReadTokens: row.cache_read_tokens ?? 0,
    cacheWriteTokens: row.cache_write_tokens ?? 0,
    outputTokens: row.output_tokens ?? 0,
    reasoningTokens: row.reasoning_tokens ?? 0,
  };
  for (const [column, key] of USAGE_PART_COLUMNS) {
    const value = row[column] as unknown;
    if (value !== null && value !== undefined) (usage as unknown as Record<string, unknown>)[key] = value;
  }
  return usage;
}

/** Prepared statements over `llm_calls`, created once per connection. */
export class CallStore {
  readonly #insert: Statement;
  readonly #insertMany: (calls: readonly LlmCall[]) => void;
  readonly #candidates: Statement;
  readonly #updateCost: Statement;

  constructor(private readonly db: Database) {
    this.#insert = db.prepare(
      `INSERT INTO llm_calls (${COLUMNS.join(', ')}) VALUES (${COLUMNS.map(() => '?').join(', ')})`,
    );
    // Made once: the proxy's group commit calls it every turn of the event loop.
    this.#insertMany = db.transaction((calls: readonly LlmCall[]) => {
      for (const call of calls) this.#insert.run(callToRow(call));
    });
    this.#candidates = db.prepare(
      `SELECT id, provider, upstream_provider, response_model, request_model, started_at, status,
              input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
              cache_write_1h_tokens, input_audio_tokens, output_audio_tokens,
              accepted_prediction_tokens, rejected_prediction_tokens, web_searches, file_searches,
              web_fetches, code_executions, service_tier, inference_geo, provider_cost_usd
         FROM llm_calls
        WHERE started_at >= ? AND started_at < ? AND input_tokens IS NOT NULL`,
    );
    this.#updateCost = db.prepare(
      `UPDATE llm_calls SET cost_usd = ?, price_input = ?, price_cached_input = ?,
              price_cache_write = ?, price_output = ?, price_source = ?, computed_cost_usd = ?,
              cost_source = ?, price_rates = ?, prices_version = ? WHERE id = ?`,
    );
  }

  insert(call: LlmCall): void {
    this.#insert.run(callToRow(call));
  }

  /** Inserts many calls in one transaction. */
  insertMany(calls: readonly LlmCall[]): void {
    this.#insertMany(calls);
  }

  repriceCandidates(window: TimeWindow): RepriceCandidate[] {
    const rows = this.#candidates.all(window.from, window.to) as Array<Record<string, never>>;
    return rows.map((row) => ({
      id: row.id,
      provider: row.provider,
      upstreamProvider: row.upstream_provider,
      responseModel: row.response_model,
      requestModel: row.request_model,
      startedAt: row.started_at,
      status: row.status,
      usage: rowUsage(row),
    }));
  }

  updateCosts(updates: CostUpdate[]): number {
    let changed = 0;
    this.db.transaction(() => {
      for (const { id, costUsd, prices, computedCostUsd, costSource } of updates) {
        changed += this.#updateCost.run(
          costUsd, prices?.input ?? null, prices?.cachedInput ?? null, prices?.cacheWrite ?? null,
          prices?.output ?? null, prices?.source ?? null, computedCostUsd ?? null, costSource ?? null,
          prices?.rates ? JSON.stringify(prices.rates) : null, prices?.pricesVersion ?? null, id,
        ).changes;
      }
    })();
    return changed;
  }
}

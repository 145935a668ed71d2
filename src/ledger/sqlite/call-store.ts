import type { Database, Statement } from 'better-sqlite3';
import type { LlmCall } from '../types.js';
import type { RepriceCandidate, TimeWindow } from '../ledger.js';

/** The columns of `llm_calls`, in insert order. */
const COLUMNS = [
  'id', 'started_at', 'conversation_id', 'ticket_id', 'provider', 'operation',
  'request_model', 'response_model', 'input_tokens', 'cache_read_tokens', 'cache_write_tokens',
  'output_tokens', 'reasoning_tokens', 'cost_usd', 'price_input', 'price_cached_input',
  'price_cache_write', 'price_output', 'price_source', 'status', 'http_status', 'error_type',
  'estimated', 'streamed', 'latency_ms', 'ttfc_ms', 'upstream_request_id', 'response_id',
  'finish_reasons', 'source',
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
  ];
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
      `SELECT id, provider, response_model, request_model, started_at, status,
              input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens
         FROM llm_calls
        WHERE started_at >= ? AND started_at < ? AND input_tokens IS NOT NULL`,
    );
    this.#updateCost = db.prepare(
      `UPDATE llm_calls SET cost_usd = ?, price_input = ?, price_cached_input = ?,
              price_cache_write = ?, price_output = ?, price_source = ? WHERE id = ?`,
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
      responseModel: row.response_model,
      requestModel: row.request_model,
      startedAt: row.started_at,
      status: row.status,
      usage: {
        inputTokens: row.input_tokens ?? 0,
        cacheReadTokens: row.cache_read_tokens ?? 0,
        cacheWriteTokens: row.cache_write_tokens ?? 0,
        outputTokens: row.output_tokens ?? 0,
        reasoningTokens: row.reasoning_tokens ?? 0,
      },
    }));
  }

  updateCosts(updates: Array<Pick<LlmCall, 'id' | 'costUsd' | 'prices'>>): number {
    let changed = 0;
    this.db.transaction(() => {
      for (const { id, costUsd, prices } of updates) {
        changed += this.#updateCost.run(
          costUsd, prices?.input ?? null, prices?.cachedInput ?? null, prices?.cacheWrite ?? null,
          prices?.output ?? null, prices?.source ?? null, id,
        ).changes;
      }
    })();
    return changed;
  }
}

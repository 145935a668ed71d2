import type pg from 'pg';
import { USAGE_PART_COLUMNS } from '../usage-columns.js';
import type { CostUpdate, RepriceCandidate, TimeWindow } from '../ledger.js';
import type { Usage } from '../../usage/types.js';
import type { PostgresLedger } from './postgres-ledger.js';


const CANDIDATES_SQL = `SELECT id, provider, upstream_provider, response_model, request_model, started_at, status,
       input_tokens, cache_read_tokens, cache_write_tokens, output_tokens, reasoning_tokens,
       cache_write_1h_tokens, input_audio_tokens, output_audio_tokens, accepted_prediction_tokens, rejected_prediction_tokens,
       web_searches, file_searches, web_fetches, code_executions, service_tier, inference_geo, provider_cost_usd
  FROM llm_calls WHERE started_at >= $1 AND started_at < $2 AND input_tokens IS NOT NULL`;

/** Calls in `window` with usage, for recomputing their cost. */
export async function pgRepriceCandidates(ledger: PostgresLedger, window: TimeWindow): Promise<RepriceCandidate[]> {
  const { rows } = await ledger.query<Record<string, never>>('reading calls to reprice', CANDIDATES_SQL, [window.from, window.to]);
  return rows.map((row) => {
    const usage: Usage = {
      inputTokens: row.input_tokens ?? 0, cacheReadTokens: row.cache_read_tokens ?? 0, cacheWriteTokens: row.cache_write_tokens ?? 0,
      outputTokens: row.output_tokens ?? 0, reasoningTokens: row.reasoning_tokens ?? 0,
    };
    for (const [column, key] of USAGE_PART_COLUMNS) {
      const value = row[column] as unknown;
      if (value !== null && value !== undefined) (usage as unknown as Record<string, unknown>)[key] = value;
    }
    return { id: row.id, provider: row.provider, upstreamProvider: row.upstream_provider, responseModel: row.response_model,
      requestModel: row.request_model, startedAt: row.started_at, status: row.status, usage };
  });
}

/** Writes new costs in the caller's transaction, one statement for all of them; returns how many rows changed. */
export async function pgUpdateCosts(client: pg.ClientBase, updates: CostUpdate[]): Promise<number> {
  if (updates.length === 0) return 0;
  const result = await client.query(`UPDATE llm_calls c SET cost_usd = u.cost_usd, price_input = u.price_input,
      price_cached_input = u.price_cached_input, price_cache_write = u.price_cache_write, price_output = u.price_output,
      price_source = u.price_source, computed_cost_usd = u.computed_cost_usd, cost_source = u.cost_source,
      price_rates = u.price_rates, prices_version = u.prices_version
    FROM unnest($1::text[], $2::float8[], $3::float8[], $4::float8[], $5::float8[], $6::float8[], $7::text[], $8::float8[],
      $9::text[], $10::text[], $11::text[])
      AS u (id, cost_usd, price_input, price_cached_input, price_cache_write, price_output, price_source, computed_cost_usd,
        cost_source, price_rates, prices_version)
   WHERE c.id = u.id`, [
    updates.map((u) => u.id), updates.map((u) => u.costUsd), updates.map((u) => u.prices?.input ?? null),
    updates.map((u) => u.prices?.cachedInput ?? null), updates.map((u) => u.prices?.cacheWrite ?? null),
    updates.map((u) => u.prices?.output ?? null), updates.map((u) => u.prices?.source ?? null),
    updates.map((u) => u.computedCostUsd ?? null), updates.map((u) => u.costSource ?? null),
    updates.map((u) => (u.prices?.rates ? JSON.stringify(u.prices.rates) : null)), updates.map((u) => u.prices?.pricesVersion ?? null),
  ]);
  return result.rowCount ?? 0;
}

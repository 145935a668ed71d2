import type pg from 'pg';
import type { LlmCall } from '../types.js';
import { callToRow } from '../sqlite/call-store.js';

/** The columns of `llm_calls` a call fills, in the order of `callToRow`, with their PostgreSQL types. */
const COLUMNS: ReadonlyArray<readonly [string, string]> = [
  ['id', 'text'], ['started_at', 'bigint'], ['conversation_id', 'text'], ['ticket_id', 'text'], ['provider', 'text'],
  ['operation', 'text'], ['request_model', 'text'], ['response_model', 'text'], ['input_tokens', 'bigint'],
  ['cache_read_tokens', 'bigint'], ['cache_write_tokens', 'bigint'], ['output_tokens', 'bigint'], ['reasoning_tokens', 'bigint'],
  ['cost_usd', 'float8'], ['price_input', 'float8'], ['price_cached_input', 'float8'], ['price_cache_write', 'float8'],
  ['price_output', 'float8'], ['price_source', 'text'], ['status', 'text'], ['http_status', 'integer'], ['error_type', 'text'],
  ['estimated', 'boolean'], ['streamed', 'boolean'], ['latency_ms', 'float8'], ['ttfc_ms', 'float8'],
  ['upstream_request_id', 'text'], ['response_id', 'text'], ['finish_reasons', 'text'], ['source', 'text'],
  ['upstream_provider', 'text'], ['cache_write_1h_tokens', 'bigint'], ['input_audio_tokens', 'bigint'],
  ['output_audio_tokens', 'bigint'], ['accepted_prediction_tokens', 'bigint'], ['rejected_prediction_tokens', 'bigint'],
  ['web_searches', 'bigint'], ['file_searches', 'bigint'], ['web_fetches', 'bigint'], ['code_executions', 'bigint'],
  ['service_tier', 'text'], ['inference_geo', 'text'], ['provider_cost_usd', 'float8'], ['computed_cost_usd', 'float8'],
  ['cost_source', 'text'], ['price_rates', 'text'], ['prices_version', 'text'],
];

/**
 * Many calls in ONE statement of fixed text: one array per column, unnested into rows (a
 * multi-row VALUES would be a new statement for every batch size, and runs into the 65,535
 * parameters at 1,394 rows). A call id stored already is skipped (`ON CONFLICT DO NOTHING`):
 * a retry of a batch whose commit was in fact done, its answer lost with the connection,
 * doubles nothing.
 */
export const INSERT_CALLS_SQL = `INSERT INTO llm_calls (${COLUMNS.map(([name]) => name).join(', ')})
SELECT * FROM unnest(${COLUMNS.map(([, type], i) => `$${i + 1}::${type}[]`).join(', ')})
ON CONFLICT (id) DO NOTHING`;

/** The parameters of {@link INSERT_CALLS_SQL} for `calls`: one array per column. */
export function callColumns(calls: readonly LlmCall[]): unknown[][] {
  const columns: unknown[][] = COLUMNS.map(() => new Array<unknown>(calls.length));
  calls.forEach((call, row) => {
    const values = callToRow(call);
    for (let column = 0; column < COLUMNS.length; column++) columns[column]![row] = values[column];
  });
  return columns;
}

/** Inserts `calls` on `client` (in the caller's transaction, if any); returns how many were new. */
export async function insertCalls(client: pg.Pool | pg.ClientBase, calls: readonly LlmCall[]): Promise<number> {
  if (calls.length === 0) return 0;
  const result = await client.query({ name: 'cpr-insert-calls', text: INSERT_CALLS_SQL, values: callColumns(calls) });
  return result.rowCount ?? 0;
}

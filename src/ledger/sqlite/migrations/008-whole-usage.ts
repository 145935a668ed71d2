import type { Migration } from './migration.js';

/**
 * Every part of a call that a provider bills, and where its cost came from. Rows recorded before
 * keep their meaning: their new columns are `NULL` (not reported, not known), and their
 * `cost_usd` stays the cost computed from the four token counts. The report's kept rows are
 * rebuilt by the next report, since models are now listed with their provider.
 */
export const wholeUsage: Migration = {
  name: '008-whole-usage',
  up: `
    ALTER TABLE llm_calls ADD COLUMN upstream_provider TEXT;            -- the company whose API served the call
    ALTER TABLE llm_calls ADD COLUMN cache_write_1h_tokens INTEGER;     -- part of cache_write_tokens
    ALTER TABLE llm_calls ADD COLUMN input_audio_tokens INTEGER;        -- part of input_tokens
    ALTER TABLE llm_calls ADD COLUMN output_audio_tokens INTEGER;       -- part of output_tokens
    ALTER TABLE llm_calls ADD COLUMN accepted_prediction_tokens INTEGER;
    ALTER TABLE llm_calls ADD COLUMN rejected_prediction_tokens INTEGER;
    ALTER TABLE llm_calls ADD COLUMN web_searches INTEGER;
    ALTER TABLE llm_calls ADD COLUMN file_searches INTEGER;
    ALTER TABLE llm_calls ADD COLUMN web_fetches INTEGER;
    ALTER TABLE llm_calls ADD COLUMN code_executions INTEGER;
    ALTER TABLE llm_calls ADD COLUMN service_tier TEXT;
    ALTER TABLE llm_calls ADD COLUMN inference_geo TEXT;                -- Anthropic data residency ('us', 'global')
    ALTER TABLE llm_calls ADD COLUMN provider_cost_usd REAL;            -- the provider's own figure
    ALTER TABLE llm_calls ADD COLUMN computed_cost_usd REAL;            -- from usage and prices
    ALTER TABLE llm_calls ADD COLUMN cost_source TEXT;                  -- 'provider' | 'computed'; NULL: unpriced or older row
    ALTER TABLE llm_calls ADD COLUMN price_rates TEXT;                  -- JSON: every rate used
    ALTER TABLE llm_calls ADD COLUMN prices_version TEXT;               -- @pydantic/genai-prices version
    -- The report's model list names the provider: the spend index covers it.
    DROP INDEX IF EXISTS llm_calls_spend;
    CREATE INDEX llm_calls_spend ON llm_calls (conversation_id, ticket_id, response_model, request_model,
      upstream_provider, started_at, cost_usd, estimated, input_tokens, cache_read_tokens, output_tokens, reasoning_tokens);
    -- The report's warning about provider figures that disagree reads only calls that have one.
    CREATE INDEX llm_calls_provider_cost ON llm_calls (started_at) WHERE cost_source = 'provider';
    -- Kept report rows name models without their provider: the next report folds everything again.
    UPDATE report_cache_state SET calls_rowid = NULL;
  `,
};

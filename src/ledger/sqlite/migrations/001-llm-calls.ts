import type { Migration } from './migration.js';

/** The LLM call ledger: one row per call, no prompt or completion text, no credentials. */
export const llmCalls: Migration = {
  name: '001-llm-calls',
  up: `
    CREATE TABLE llm_calls (
      id                    TEXT PRIMARY KEY,
      started_at            INTEGER NOT NULL,          -- ms since epoch, request start
      conversation_id       TEXT,                      -- NULL: unattributed
      ticket_id             TEXT,                      -- ticket named with the call, if any
      provider              TEXT NOT NULL,
      operation             TEXT NOT NULL,
      request_model         TEXT,
      response_model        TEXT,
      input_tokens          INTEGER,                   -- all input tokens, cached included
      cache_read_tokens     INTEGER,
      cache_write_tokens    INTEGER,
      output_tokens         INTEGER,                   -- all output tokens, reasoning included
      reasoning_tokens      INTEGER,
      cost_usd              REAL,                      -- NULL: no price known (unpriced)
      price_input           REAL,                      -- USD per million tokens, as used
      price_cached_input    REAL,
      price_cache_write     REAL,
      price_output          REAL,
      price_source          TEXT,
      status                TEXT NOT NULL CHECK (status IN ('ok', 'error', 'aborted')),
      http_status           INTEGER,
      error_type            TEXT,
      estimated             INTEGER NOT NULL DEFAULT 0,
      streamed              INTEGER NOT NULL DEFAULT 0,
      latency_ms            REAL,
      ttfc_ms               REAL,                      -- time to first chunk, streams only
      upstream_request_id   TEXT,
      response_id           TEXT,
      finish_reasons        TEXT,                      -- JSON array
      source                TEXT NOT NULL DEFAULT 'proxy'
    );
    CREATE INDEX llm_calls_started_at ON llm_calls (started_at);
    CREATE INDEX llm_calls_conversation ON llm_calls (conversation_id, started_at);
  `,
};

import type { Migration } from '../../sqlite/migrations/migration.js';

/**
 * The PostgreSQL ledger's schema: the tables of the SQLite ledger's migrations of the same names
 * (`src/ledger/sqlite/migrations/`), in PostgreSQL types: times in ms since the epoch as
 * `bigint`, amounts as `double precision`, flags as `boolean`, `seq` as an identity column.
 * Each migration is the state the SQLite ones reach, not their history: nothing had shipped on
 * PostgreSQL before them.
 *
 * Two columns SQLite has no need of: `llm_calls.xid` and `events.xid`, the id of the transaction
 * that wrote the row (`pg_current_xact_id()`), by which reports fold what was committed since
 * their last fold without skipping a row that commits late (see `report-fold.ts`).
 */
export const pgLlmCalls: Migration = {
  name: '001-llm-calls',
  up: `
    CREATE TABLE llm_calls (
      id                    TEXT PRIMARY KEY,
      started_at            BIGINT NOT NULL,
      conversation_id       TEXT,
      ticket_id             TEXT,
      provider              TEXT NOT NULL,
      operation             TEXT NOT NULL,
      request_model         TEXT,
      response_model        TEXT,
      input_tokens          BIGINT,
      cache_read_tokens     BIGINT,
      cache_write_tokens    BIGINT,
      output_tokens         BIGINT,
      reasoning_tokens      BIGINT,
      cost_usd              DOUBLE PRECISION,
      price_input           DOUBLE PRECISION,
      price_cached_input    DOUBLE PRECISION,
      price_cache_write     DOUBLE PRECISION,
      price_output          DOUBLE PRECISION,
      price_source          TEXT,
      status                TEXT NOT NULL CHECK (status IN ('ok', 'error', 'aborted')),
      http_status           INTEGER,
      error_type            TEXT,
      estimated             BOOLEAN NOT NULL DEFAULT false,
      streamed              BOOLEAN NOT NULL DEFAULT false,
      latency_ms            DOUBLE PRECISION,
      ttfc_ms               DOUBLE PRECISION,
      upstream_request_id   TEXT,
      response_id           TEXT,
      finish_reasons        TEXT,
      source                TEXT NOT NULL DEFAULT 'proxy',
      xid                   XID8 NOT NULL DEFAULT pg_current_xact_id()
    );
    CREATE INDEX llm_calls_started_at ON llm_calls (started_at);
    CREATE INDEX llm_calls_xid ON llm_calls (xid);
  `,
};

/** Events and the tables of their kinds (SQLite's 002). */
export const pgTickets: Migration = {
  name: '002-tickets',
  up: `
    CREATE TABLE events (
      seq        BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
      event_id   TEXT UNIQUE,
      type       TEXT NOT NULL,
      at         BIGINT NOT NULL,
      body       TEXT NOT NULL,
      xid        XID8 NOT NULL DEFAULT pg_current_xact_id()
    );
    CREATE INDEX events_xid ON events (xid);
    CREATE TABLE tickets (
      ticket_id       TEXT PRIMARY KEY,
      opened_at       BIGINT NOT NULL,
      category        TEXT,
      category_at     BIGINT,
      channel         TEXT,
      channel_at      BIGINT,
      customer_id     TEXT,
      customer_id_at  BIGINT
    );
    CREATE TABLE conversation_links (
      seq              BIGINT PRIMARY KEY REFERENCES events (seq),
      conversation_id  TEXT NOT NULL,
      ticket_id        TEXT NOT NULL,
      at               BIGINT NOT NULL
    );
    CREATE INDEX conversation_links_conversation ON conversation_links (conversation_id, at, seq);
    CREATE INDEX conversation_links_ticket ON conversation_links (ticket_id, conversation_id, at);
    CREATE TABLE conversations (
      conversation_id  TEXT PRIMARY KEY,
      ticket_id        TEXT NOT NULL,
      linked_at        BIGINT NOT NULL,
      link_seq         BIGINT NOT NULL
    );
    CREATE TABLE handoffs (
      seq              BIGINT PRIMARY KEY REFERENCES events (seq),
      ticket_id        TEXT,
      conversation_id  TEXT,
      at               BIGINT NOT NULL,
      reason           TEXT,
      queue            TEXT,
      agent_id         TEXT,
      CHECK ((ticket_id IS NULL) <> (conversation_id IS NULL))
    );
    CREATE TABLE human_work (
      seq              BIGINT PRIMARY KEY REFERENCES events (seq),
      ticket_id        TEXT,
      conversation_id  TEXT,
      at               BIGINT NOT NULL,
      seconds          DOUBLE PRECISION NOT NULL CHECK (seconds >= 0),
      cost_usd         DOUBLE PRECISION CHECK (cost_usd >= 0),
      agent_id         TEXT,
      CHECK ((ticket_id IS NULL) <> (conversation_id IS NULL))
    );
    CREATE TABLE status_changes (
      seq              BIGINT PRIMARY KEY REFERENCES events (seq),
      ticket_id        TEXT,
      conversation_id  TEXT,
      at               BIGINT NOT NULL,
      kind             TEXT NOT NULL CHECK (kind IN ('resolved', 'reopened')),
      resolved_by      TEXT CHECK (resolved_by IN ('ai', 'human')),
      confirmed        BOOLEAN NOT NULL DEFAULT false,
      CHECK ((ticket_id IS NULL) <> (conversation_id IS NULL)),
      CHECK ((kind = 'resolved') = (resolved_by IS NOT NULL))
    );
    CREATE TABLE fixed_costs (
      seq          BIGINT PRIMARY KEY REFERENCES events (seq),
      amount_usd   DOUBLE PRECISION NOT NULL CHECK (amount_usd >= 0),
      from_at      BIGINT NOT NULL,
      to_at        BIGINT NOT NULL,
      applies_to   TEXT NOT NULL CHECK (applies_to IN ('ai', 'human', 'shared')),
      category     TEXT,
      note         TEXT,
      CHECK (from_at < to_at)
    );
    CREATE INDEX fixed_costs_range ON fixed_costs (to_at, from_at);
    CREATE INDEX llm_calls_spend ON llm_calls (conversation_id, ticket_id, response_model, request_model, started_at);
    CREATE INDEX llm_calls_unattributed ON llm_calls (started_at) WHERE conversation_id IS NULL AND ticket_id IS NULL;
  `,
};

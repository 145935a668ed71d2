import type { Migration } from '../../sqlite/migrations/migration.js';

/**
 * The report's kept per-ticket facts (SQLite's 003, see `report-fold.ts`). Where SQLite keeps
 * the rowid and seq the facts include, PostgreSQL keeps the snapshot of the fold that built them
 * (`folded_snapshot`): the next fold takes every row whose writing transaction that snapshot
 * did not see. A change or deletion of calls bumps `generation` (a statement trigger: one update
 * per statement, not per row), and the next report folds everything again.
 */
export const pgReportCache: Migration = {
  name: '003-report-cache',
  up: `
    CREATE TABLE report_ticket_facts (
      ticket_id               TEXT PRIMARY KEY,
      opened_at               BIGINT NOT NULL,
      last_at                 BIGINT NOT NULL,
      key_time                BIGINT NOT NULL,
      key_day                 BIGINT NOT NULL,
      outcome                 INTEGER NOT NULL,
      category                TEXT,
      channel                 TEXT,
      conversations           BIGINT NOT NULL,
      with_calls              BIGINT NOT NULL,
      calls                   BIGINT NOT NULL,
      unpriced                BIGINT NOT NULL,
      estimated               BIGINT NOT NULL,
      input_tokens            BIGINT NOT NULL,
      cached_tokens           BIGINT NOT NULL,
      output_tokens           BIGINT NOT NULL,
      reasoning_tokens        BIGINT NOT NULL,
      cost_usd                DOUBLE PRECISION NOT NULL,
      human_cost_usd          DOUBLE PRECISION NOT NULL,
      human_unpriced_seconds  DOUBLE PRECISION NOT NULL
    );
    CREATE TABLE report_ticket_models (
      ticket_id         TEXT NOT NULL,
      model             TEXT NOT NULL,
      key_time          BIGINT NOT NULL,
      last_at           BIGINT NOT NULL,
      calls             BIGINT NOT NULL,
      unpriced          BIGINT NOT NULL,
      estimated         BIGINT NOT NULL,
      input_tokens      BIGINT NOT NULL,
      cached_tokens     BIGINT NOT NULL,
      output_tokens     BIGINT NOT NULL,
      reasoning_tokens  BIGINT NOT NULL,
      cost_usd          DOUBLE PRECISION NOT NULL,
      PRIMARY KEY (ticket_id, model)
    );
    CREATE INDEX report_ticket_facts_key_time ON report_ticket_facts (key_time);
    CREATE INDEX report_ticket_models_key_time ON report_ticket_models (key_time);
    CREATE TABLE report_cache_state (
      singleton         INTEGER PRIMARY KEY CHECK (singleton = 1),
      folded_snapshot   PG_SNAPSHOT,
      built_generation  BIGINT NOT NULL,
      generation        BIGINT NOT NULL
    );
    INSERT INTO report_cache_state (singleton, folded_snapshot, built_generation, generation) VALUES (1, NULL, 0, 0);
    CREATE FUNCTION report_cache_invalidate() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN UPDATE report_cache_state SET generation = generation + 1; RETURN NULL; END $$;
    CREATE TRIGGER llm_calls_changed_report_cache AFTER UPDATE OR DELETE ON llm_calls
      FOR EACH STATEMENT EXECUTE FUNCTION report_cache_invalidate();
    CREATE INDEX llm_calls_ticket ON llm_calls (ticket_id, conversation_id) WHERE ticket_id IS NOT NULL;
    CREATE INDEX conversation_links_at ON conversation_links (at);
    CREATE INDEX handoffs_ticket ON handoffs (ticket_id) WHERE ticket_id IS NOT NULL;
    CREATE INDEX handoffs_conversation ON handoffs (conversation_id) WHERE conversation_id IS NOT NULL;
    CREATE INDEX human_work_ticket ON human_work (ticket_id) WHERE ticket_id IS NOT NULL;
    CREATE INDEX human_work_conversation ON human_work (conversation_id) WHERE conversation_id IS NOT NULL;
    CREATE INDEX status_changes_ticket ON status_changes (ticket_id) WHERE ticket_id IS NOT NULL;
    CREATE INDEX status_changes_conversation ON status_changes (conversation_id) WHERE conversation_id IS NOT NULL;
  `,
};

/** SQLite's 004 drops an index PostgreSQL never had: recorded, so that both ledgers list the same migrations. */
export const pgOneConversationIndex: Migration = {
  name: '004-one-conversation-index',
  up: 'DROP INDEX IF EXISTS llm_calls_conversation;',
};

/** Ledger settings, event content hashes, human work at the ledger's rates (SQLite's 005). */
export const pgLedgerSettings: Migration = {
  name: '005-ledger-settings',
  up: `
    CREATE TABLE ledger_settings (
      name            TEXT NOT NULL,
      effective_from  BIGINT NOT NULL,
      value           DOUBLE PRECISION NOT NULL,
      set_at          BIGINT NOT NULL,
      PRIMARY KEY (name, effective_from)
    );
    ALTER TABLE events ADD COLUMN content_hash TEXT;
    ALTER TABLE report_ticket_facts ADD COLUMN human_rated_usd DOUBLE PRECISION NOT NULL DEFAULT 0;
    CREATE FUNCTION report_cache_rate_changed() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        IF (TG_OP <> 'DELETE' AND NEW.name = 'human-hourly-rate') OR (TG_OP <> 'INSERT' AND OLD.name = 'human-hourly-rate') THEN
          UPDATE report_cache_state SET generation = generation + 1;
        END IF;
        RETURN NULL;
      END $$;
    CREATE TRIGGER ledger_settings_rate_changed AFTER INSERT OR UPDATE OR DELETE ON ledger_settings
      FOR EACH ROW EXECUTE FUNCTION report_cache_rate_changed();
  `,
};

/** Helpdesk pipeline-stage moves (SQLite's 007). */
export const pgHelpdeskStageMoves: Migration = {
  name: '007-helpdesk-stage-moves',
  up: `
    CREATE TABLE helpdesk_stage_moves (
      helpdesk  TEXT NOT NULL,
      move_key  TEXT NOT NULL,
      ticket_id TEXT NOT NULL,
      at        BIGINT NOT NULL,
      stage_id  TEXT NOT NULL,
      PRIMARY KEY (helpdesk, move_key)
    );
    CREATE INDEX helpdesk_stage_moves_ticket ON helpdesk_stage_moves (helpdesk, ticket_id, at);
  `,
};

/** Every billed part of a call and where its cost came from (SQLite's 008). */
export const pgWholeUsage: Migration = {
  name: '008-whole-usage',
  up: `
    ALTER TABLE llm_calls
      ADD COLUMN upstream_provider TEXT,
      ADD COLUMN cache_write_1h_tokens BIGINT,
      ADD COLUMN input_audio_tokens BIGINT,
      ADD COLUMN output_audio_tokens BIGINT,
      ADD COLUMN accepted_prediction_tokens BIGINT,
      ADD COLUMN rejected_prediction_tokens BIGINT,
      ADD COLUMN web_searches BIGINT,
      ADD COLUMN file_searches BIGINT,
      ADD COLUMN web_fetches BIGINT,
      ADD COLUMN code_executions BIGINT,
      ADD COLUMN service_tier TEXT,
      ADD COLUMN inference_geo TEXT,
      ADD COLUMN provider_cost_usd DOUBLE PRECISION,
      ADD COLUMN computed_cost_usd DOUBLE PRECISION,
      ADD COLUMN cost_source TEXT,
      ADD COLUMN price_rates TEXT,
      ADD COLUMN prices_version TEXT;
    CREATE INDEX llm_calls_provider_cost ON llm_calls (started_at) WHERE cost_source = 'provider';
  `,
};

/** Tickets by customer (SQLite's 009). */
export const pgTicketsByCustomer: Migration = {
  name: '009-tickets-by-customer',
  up: 'CREATE INDEX IF NOT EXISTS tickets_customer ON tickets (customer_id) WHERE customer_id IS NOT NULL;',
};

/** The proxy's upstream that served each call, by its name (SQLite's 011). */
export const pgCallUpstream: Migration = {
  name: '011-call-upstream',
  up: 'ALTER TABLE llm_calls ADD COLUMN upstream TEXT;',
};

/** The kept tickets hold their customer (SQLite's 012); the kept rows have none yet: the next report folds them all again. */
export const pgKeptCustomers: Migration = {
  name: '012-kept-customers',
  up: `
    ALTER TABLE report_ticket_facts ADD COLUMN customer_id TEXT;
    UPDATE report_cache_state SET folded_snapshot = NULL;
  `,
};

import type { Migration } from './migration.js';

/**
 * Settings that belong to the ledger, so that every process reporting on one file uses the same
 * ones (the human hourly rate given to `serve` was not the one `cpr-meter report` used), and
 * what a report needs to use them and to tell a redelivery from a conflict.
 *
 * - `ledger_settings`: one row per setting and the time it takes effect (generic: a name, a
 *   number). A value holds from its `effective_from` until the next one of the same name;
 *   `effective_from` = -2^53 + 1 means "since always". Names: `human-hourly-rate` (USD per hour of
 *   human work without an amount, costed at the rate in effect when the work was done) and
 *   `human-baseline-cpr` (USD). `set_at`: when the row was written.
 * - `events.content_hash`: a hash of the event as sent (its `at` left out when it was not
 *   given), so that an `eventId` sent again with other content is a conflict, not a duplicate.
 *   NULL for events stored before: a repeat of one of those is counted a duplicate, as it was.
 * - `report_ticket_facts.human_rated_usd`: the kept tickets' human work without an amount,
 *   priced at the rates in effect when it was done. A change to the rates invalidates the kept
 *   tickets (the triggers below): the next report folds everything again.
 * - `report_ticket_facts.outcome` gains the bit 32: resolved tickets with no activity but their
 *   status (no call, opening, conversation or human work), which a report warns about.
 */
export const ledgerSettings: Migration = {
  name: '005-ledger-settings',
  up: `
    CREATE TABLE ledger_settings (
      name            TEXT NOT NULL,
      effective_from  INTEGER NOT NULL,
      value           REAL NOT NULL,
      set_at          INTEGER NOT NULL,
      PRIMARY KEY (name, effective_from)
    ) WITHOUT ROWID;

    ALTER TABLE events ADD COLUMN content_hash TEXT;

    ALTER TABLE report_ticket_facts ADD COLUMN human_rated_usd REAL NOT NULL DEFAULT 0;
    DROP INDEX report_ticket_facts_classes;
    CREATE INDEX report_ticket_facts_classes ON report_ticket_facts (category, channel, key_day, outcome, key_time,
      last_at, conversations, with_calls, calls, unpriced, estimated, input_tokens, cached_tokens, output_tokens,
      reasoning_tokens, cost_usd, human_cost_usd, human_unpriced_seconds, human_rated_usd);
    -- The kept rows have no rated cost yet, and former relinked tickets to drop: rebuild them.
    UPDATE report_cache_state SET calls_rowid = NULL;

    CREATE TRIGGER ledger_settings_rate_inserted AFTER INSERT ON ledger_settings WHEN NEW.name = 'human-hourly-rate'
    BEGIN UPDATE report_cache_state SET generation = generation + 1; END;
    CREATE TRIGGER ledger_settings_rate_updated AFTER UPDATE ON ledger_settings WHEN NEW.name = 'human-hourly-rate' OR OLD.name = 'human-hourly-rate'
    BEGIN UPDATE report_cache_state SET generation = generation + 1; END;
    CREATE TRIGGER ledger_settings_rate_deleted AFTER DELETE ON ledger_settings WHEN OLD.name = 'human-hourly-rate'
    BEGIN UPDATE report_cache_state SET generation = generation + 1; END;
  `,
};

import type { Migration } from './migration.js';

/**
 * Tickets, conversations, human work, resolutions and fixed costs.
 *
 * `events` is the log of every accepted event (its `event_id` UNIQUE is the deduplication key);
 * each event also lands, by its `seq`, in the table of its kind, which is what reports read.
 * Events that name a `conversation_id` instead of a ticket keep it: the ticket is resolved when a
 * report is computed, so the order of arrival does not matter. All times are ms since the epoch.
 */
export const tickets: Migration = {
  name: '002-tickets',
  up: `
    CREATE TABLE events (
      seq        INTEGER PRIMARY KEY,
      event_id   TEXT UNIQUE,                 -- NULL: no deduplication asked
      type       TEXT NOT NULL,
      at         INTEGER NOT NULL,
      body       TEXT NOT NULL                -- the validated event, JSON
    );

    -- One row per ticket named by a ticket.opened event; attributes merge (latest non-null wins).
    CREATE TABLE tickets (
      ticket_id       TEXT PRIMARY KEY,
      opened_at       INTEGER NOT NULL,       -- earliest ticket.opened
      category        TEXT,
      category_at     INTEGER,
      channel         TEXT,
      channel_at      INTEGER,
      customer_id     TEXT,
      customer_id_at  INTEGER
    );

    CREATE TABLE conversation_links (
      seq              INTEGER PRIMARY KEY REFERENCES events (seq),
      conversation_id  TEXT NOT NULL,
      ticket_id        TEXT NOT NULL,
      at               INTEGER NOT NULL
    );
    CREATE INDEX conversation_links_conversation ON conversation_links (conversation_id, at, seq);
    CREATE INDEX conversation_links_ticket ON conversation_links (ticket_id, conversation_id, at);

    -- The latest link of each conversation (by time, then arrival): the fast path of the
    -- conversation -> ticket mapping; conversation_links answers for links after a report's end.
    CREATE TABLE conversations (
      conversation_id  TEXT PRIMARY KEY,
      ticket_id        TEXT NOT NULL,
      linked_at        INTEGER NOT NULL,
      link_seq         INTEGER NOT NULL
    );

    CREATE TABLE handoffs (
      seq              INTEGER PRIMARY KEY REFERENCES events (seq),
      ticket_id        TEXT,
      conversation_id  TEXT,
      at               INTEGER NOT NULL,
      reason           TEXT,
      queue            TEXT,
      agent_id         TEXT,
      CHECK ((ticket_id IS NULL) <> (conversation_id IS NULL))
    );

    CREATE TABLE human_work (
      seq              INTEGER PRIMARY KEY REFERENCES events (seq),
      ticket_id        TEXT,
      conversation_id  TEXT,
      at               INTEGER NOT NULL,
      seconds          REAL NOT NULL CHECK (seconds >= 0),
      cost_usd         REAL CHECK (cost_usd >= 0),   -- NULL: priced at the report's hourly rate
      agent_id         TEXT,
      CHECK ((ticket_id IS NULL) <> (conversation_id IS NULL))
    );

    -- The status timeline: resolutions and explicit reopens.
    CREATE TABLE status_changes (
      seq              INTEGER PRIMARY KEY REFERENCES events (seq),
      ticket_id        TEXT,
      conversation_id  TEXT,
      at               INTEGER NOT NULL,
      kind             TEXT NOT NULL CHECK (kind IN ('resolved', 'reopened')),
      resolved_by      TEXT CHECK (resolved_by IN ('ai', 'human')),
      confirmed        INTEGER NOT NULL DEFAULT 0,
      CHECK ((ticket_id IS NULL) <> (conversation_id IS NULL)),
      CHECK ((kind = 'resolved') = (resolved_by IS NOT NULL))
    );

    CREATE TABLE fixed_costs (
      seq          INTEGER PRIMARY KEY REFERENCES events (seq),
      amount_usd   REAL NOT NULL CHECK (amount_usd >= 0),
      from_at      INTEGER NOT NULL,
      to_at        INTEGER NOT NULL,
      applies_to   TEXT NOT NULL CHECK (applies_to IN ('ai', 'human', 'shared')),
      category     TEXT,
      note         TEXT,
      CHECK (from_at < to_at)
    );
    CREATE INDEX fixed_costs_range ON fixed_costs (to_at, from_at);

    -- The per-conversation spend of a report streams from this covering index (no sort of the calls).
    CREATE INDEX llm_calls_spend ON llm_calls (conversation_id, ticket_id, response_model, request_model,
      started_at, cost_usd, estimated, input_tokens, cache_read_tokens, output_tokens, reasoning_tokens);
    -- Unattributed spend of a window is read by time alone.
    CREATE INDEX llm_calls_unattributed ON llm_calls (started_at)
      WHERE conversation_id IS NULL AND ticket_id IS NULL;
  `,
};

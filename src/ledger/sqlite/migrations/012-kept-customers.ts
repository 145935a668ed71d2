import type { Migration } from './migration.js';

/**
 * The kept tickets hold their customer (`report_ticket_facts.customer_id`, the ticket's as it
 * stands, as their category and channel are), so that a report grouped by customer sums them
 * without reading each one's customer from `tickets`. A customer changes only with a
 * `ticket.opened` of the ticket, which makes the next report fold that ticket again, as it does
 * for a new category. The kept rows have no customer yet: the next report rebuilds them.
 *
 * The index covers the sum by customer in its GROUP BY order, as `report_ticket_facts_classes`
 * covers the sum by class: about one class per ticket is read without a sort of all of them.
 */
export const keptCustomers: Migration = {
  name: '012-kept-customers',
  up: `
    ALTER TABLE report_ticket_facts ADD COLUMN customer_id TEXT;
    CREATE INDEX report_ticket_facts_customers ON report_ticket_facts (customer_id, category, channel, key_day, outcome,
      key_time, last_at, conversations, with_calls, calls, unpriced, estimated, input_tokens, cached_tokens, output_tokens,
      reasoning_tokens, cost_usd, human_cost_usd, human_unpriced_seconds, human_rated_usd);
    UPDATE report_cache_state SET calls_rowid = NULL;
  `,
};

import type { Migration } from './migration.js';

/**
 * The kept tickets hold their customer (`report_ticket_facts.customer_id`, the ticket's as it
 * stands, as their category and channel are), so that a report grouped by customer sums them
 * without reading each one's customer from `tickets`. A customer changes only with a
 * `ticket.opened` of the ticket, which makes the next report fold that ticket again, as it does
 * for a new category. The kept rows have no customer yet: the next report rebuilds them.
 */
export const keptCustomers: Migration = {
  name: '012-kept-customers',
  up: `
    ALTER TABLE report_ticket_facts ADD COLUMN customer_id TEXT;
    UPDATE report_cache_state SET calls_rowid = NULL;
  `,
};

import type { Migration } from './migration.js';

/**
 * The dashboard's ticket list filtered by customer (`GET /api/tickets?customer=`, `cpr-meter
 * tickets --customer`) finds that customer's tickets through this index, not by reading every
 * ticket.
 */
export const ticketsByCustomer: Migration = {
  name: '009-tickets-by-customer',
  up: 'CREATE INDEX IF NOT EXISTS tickets_customer ON tickets (customer_id) WHERE customer_id IS NOT NULL;',
};

import type { Migration } from '../../sqlite/migrations/migration.js';
import { pgLlmCalls, pgTickets } from './calls-and-events.js';
import {
  pgCallUpstream, pgHelpdeskStageMoves, pgKeptCustomers, pgLedgerSettings, pgOneConversationIndex, pgReportCache, pgTicketsByCustomer, pgWholeUsage,
} from './report-cache-and-settings.js';

/**
 * Every PostgreSQL migration, in the order it is applied; the names are the SQLite ledger's, so
 * that `schema_migrations` reads the same on both. Append; never edit one that has shipped.
 */
export const pgMigrations: readonly Migration[] = [
  pgLlmCalls, pgTickets, pgReportCache, pgOneConversationIndex, pgLedgerSettings, pgHelpdeskStageMoves, pgWholeUsage, pgTicketsByCustomer, pgCallUpstream, pgKeptCustomers,
];

import type { Migration } from './migration.js';
import { llmCalls } from './001-llm-calls.js';
import { tickets } from './002-tickets.js';
import { reportCache } from './003-report-cache.js';
import { oneConversationIndex } from './004-one-conversation-index.js';
import { ledgerSettings } from './005-ledger-settings.js';
import { helpdeskStageMoves } from './007-helpdesk-stage-moves.js';
import { wholeUsage } from './008-whole-usage.js';
import { ticketsByCustomer } from './009-tickets-by-customer.js';
import { callUpstream } from './011-call-upstream.js';
import { keptCustomers } from './012-kept-customers.js';

/** Every migration, in the order it is applied. Append; never edit one that has shipped. */
export const migrations: readonly Migration[] = [llmCalls, tickets, reportCache, oneConversationIndex, ledgerSettings, helpdeskStageMoves, wholeUsage, ticketsByCustomer, callUpstream, keptCustomers];

export type { Migration } from './migration.js';

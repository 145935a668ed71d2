import type { TimeWindow } from './ledger.js';
import type { TicketPath } from '../reports/compute-report.js';

/** The ticket list's filter on how a ticket went: one of the report's paths, or `unresolved`. */
export type TicketPathFilter = TicketPath | 'unresolved';

/** Every {@link TicketPathFilter}, for option parsing. */
export const TICKET_PATH_FILTERS: readonly TicketPathFilter[] = ['contained', 'escalated', 'human-only', 'unresolved'];

/** What the ticket list is ordered by: loaded cost, or key time (resolution, else opening). */
export type TicketSort = 'cost' | 'time';

/** Options of {@link TicketExplorer.ticketPage}. */
export interface TicketPageOptions {
  window: TimeWindow;
  /**
   * USD per hour for all human work recorded without an amount, instead of the ledger's rates.
   * Default: the ledger's rate in effect when each piece of work was done, as the report prices it.
   */
  humanHourlyRate?: number;
  /** Default `cost`. */
  sort?: TicketSort;
  /** Default `desc` (the costliest, or the latest, first). */
  order?: 'asc' | 'desc';
  path?: TicketPathFilter;
  /** A category, or `(none)` for tickets without one. */
  category?: string;
  channel?: string;
  customer?: string;
  /** Page size. */
  limit: number;
  offset: number;
}

/** One ticket in scope of a window, with its loaded cost as the report sums it. */
export interface TicketRow {
  ticketId: string;
  category: string | null;
  channel: string | null;
  customerId: string | null;
  path: TicketPath;
  resolved: boolean;
  /** ISO time of its resolution in force, else of its opening: what puts it in the window. */
  keyTime: string;
  openedAt: string;
  conversations: number;
  llmCalls: number;
  unpricedLlmCalls: number;
  llmCostUsd: number;
  humanCostUsd: number;
  /** Its shares of unattributed LLM spend and of fixed costs. */
  sharesUsd: number;
  /** `llmCostUsd + humanCostUsd + sharesUsd`. */
  loadedCostUsd: number;
}

/** A page of the ticket list. */
export interface TicketPage {
  window: { from: string; to: string };
  /** Tickets in scope that match the filters, on every page. */
  total: number;
  limit: number;
  offset: number;
  sort: TicketSort;
  order: 'asc' | 'desc';
  tickets: TicketRow[];
}

/** Options of {@link TicketExplorer.ticketTimeline}. */
export interface TicketTimelineOptions {
  ticketId: string;
  /** The window the loaded cost and its shares are computed for; the facts are as of its end. */
  window: TimeWindow;
  /** As {@link TicketPageOptions.humanHourlyRate}. */
  humanHourlyRate?: number;
}

/** One thing that happened to a ticket. Only the fields of its kind are set. */
export interface TimelineEntry {
  at: string;
  kind: 'opened' | 'linked' | 'llm-call' | 'handoff' | 'human-work' | 'resolved' | 'reopened';
  conversationId?: string | null;
  /** LLM call. */
  callId?: string;
  provider?: string;
  operation?: string;
  model?: string | null;
  inputTokens?: number | null;
  outputTokens?: number | null;
  costUsd?: number | null;
  status?: string;
  estimated?: boolean;
  /** Handoff. */
  reason?: string | null;
  queue?: string | null;
  agentId?: string | null;
  /** Human work: seconds, and the cost (explicit, else at the hourly rate in effect when it was done, or the one given). */
  seconds?: number;
  /** Link: a follow-up contact, which reopened the resolved ticket. */
  followUp?: boolean;
  /** Resolution. */
  by?: 'ai' | 'human';
  confirmed?: boolean;
}

/** One ticket, everything recorded for it before the window's end, in time order. */
export interface TicketTimeline {
  ticketId: string;
  category: string | null;
  channel: string | null;
  customerId: string | null;
  window: { from: string; to: string };
  /** Whether the report of the window counts it (resolved in it, or opened in it and unresolved). */
  inScope: boolean;
  path: TicketPath;
  resolved: boolean;
  conversations: string[];
  cost: {
    llmCostUsd: number;
    humanCostUsd: number;
    /** Shares it carries in the window's report (0 when it is not in scope). */
    unattributedShareUsd: number;
    fixedShareUsd: number;
    loadedCostUsd: number;
  };
  entries: TimelineEntry[];
  /** True when entries were cut at the limit (the costs still count everything). */
  truncated: boolean;
}

/**
 * The tickets behind a report: a page of them, and one ticket's timeline. The SQLite ledger
 * implements it (`./sqlite/sqlite-ticket-explorer.ts`); `serve` runs it on its report thread.
 */
export interface TicketExplorer {
  ticketPage(options: TicketPageOptions): Promise<TicketPage>;
  /** `null` when the ledger knows nothing of the ticket before the window's end. */
  ticketTimeline(options: TicketTimelineOptions): Promise<TicketTimeline | null>;
}

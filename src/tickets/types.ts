/**
 * The event model: everything cpr-meter learns about tickets, conversations, human work and
 * fixed costs arrives as one of these events, whichever way it comes in (HTTP API, in-process
 * API, JSON Lines import, helpdesk webhooks). These are the *validated* shapes: times are
 * milliseconds since the epoch and every optional field is present, `null` when not given.
 * The accepted input (ISO 8601 strings, optional fields) is {@link CprEventInput}.
 */

/** The seven event types, in the order of the table. */
export const EVENT_TYPES = [
  'ticket.opened',
  'conversation.linked',
  'handoff',
  'human.work',
  'ticket.resolved',
  'ticket.reopened',
  'cost.fixed',
] as const;

/** One of {@link EVENT_TYPES}. */
export type EventType = (typeof EVENT_TYPES)[number];

/** Who resolved a ticket. */
export type Resolver = 'ai' | 'human';

/** Which tickets a fixed cost is shared over: AI-handled, human-touched, or all in scope. */
export type FixedCostTarget = 'ai' | 'human' | 'shared';

/** Fields every event has. */
export interface EventBase {
  /** Deduplication key: a second event with the same id is ignored. `null` when not given. */
  eventId: string | null;
  /** When it happened, ms since the epoch (defaults to the time it was received). */
  at: number;
  /**
   * True when `at` was not given and is the time the event arrived: `at` is then not part of the
   * event's content, so a redelivery of it is a duplicate, not a conflict. Default false.
   */
  atDefaulted?: boolean;
}

/**
 * The ticket an event is about: exactly one of the two is non-null. A `conversationId` stands
 * for the ticket the conversation is linked to (its implicit ticket when never linked),
 * resolved when a report is computed, so the order in which events arrive does not matter.
 */
export interface TicketRef {
  ticketId: string | null;
  conversationId: string | null;
}

/** A ticket was opened, or its attributes became known. Repeats merge: the latest non-null value of each attribute wins. */
export interface TicketOpenedEvent extends EventBase {
  type: 'ticket.opened';
  ticketId: string;
  category: string | null;
  channel: string | null;
  customerId: string | null;
}

/** A conversation belongs to a ticket (the latest link wins). */
export interface ConversationLinkedEvent extends EventBase {
  type: 'conversation.linked';
  conversationId: string;
  ticketId: string;
}

/** The AI handed the ticket to a human (an escalation). */
export interface HandoffEvent extends EventBase, TicketRef {
  type: 'handoff';
  reason: string | null;
  queue: string | null;
  agentId: string | null;
}

/** Seconds a human agent spent on a ticket; priced at `costUsd` when given, else at the hourly rate. */
export interface HumanWorkEvent extends EventBase, TicketRef {
  type: 'human.work';
  seconds: number;
  agentId: string | null;
  costUsd: number | null;
}

/** The ticket was resolved, by the AI or by a human; `confirmed` when the customer said so. */
export interface TicketResolvedEvent extends EventBase, TicketRef {
  type: 'ticket.resolved';
  by: Resolver;
  confirmed: boolean;
}

/** The ticket was reopened. */
export interface TicketReopenedEvent extends EventBase, TicketRef {
  type: 'ticket.reopened';
}

/**
 * An amount spent over `[from, to)` (licences, platform fees, overhead), shared over the tickets
 * `appliesTo` names. `category` is a label of the cost (e.g. `licence`), not a ticket category.
 */
export interface FixedCostEvent extends EventBase {
  type: 'cost.fixed';
  amountUsd: number;
  from: number;
  to: number;
  appliesTo: FixedCostTarget;
  category: string | null;
  note: string | null;
}

/** Any validated event. */
export type CprEvent =
  | TicketOpenedEvent
  | ConversationLinkedEvent
  | HandoffEvent
  | HumanWorkEvent
  | TicketResolvedEvent
  | TicketReopenedEvent
  | FixedCostEvent;

/** The events that name a ticket, directly or through a conversation. */
export type TicketActivityEvent = HandoffEvent | HumanWorkEvent | TicketResolvedEvent | TicketReopenedEvent;

export type { CprEventInput } from './event-schema.js';

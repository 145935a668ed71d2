import { EVENT_TYPES } from './types.js';
import type { CprEvent, TicketRef } from './types.js';
import { eventSchema } from './event-schema.js';
import type { ParsedEvent } from './event-schema.js';
import { parseInstant } from '../time/parse-instant.js';
import { EventWarnings, unknownFields } from './unknown-fields.js';
import type { EventWarning } from './unknown-fields.js';

/** Why a batch was rejected: the first invalid event's position and field. */
export interface EventValidationError {
  /** Human-readable, names the event's position and the field. */
  message: string;
  /** Position of the bad event in the array; `null` when the input was a single event (or not an event at all). */
  index: number | null;
  /** Dotted path of the bad field (e.g. `seconds`); `null` when the event as a whole is wrong. */
  field: string | null;
}

/** The outcome of {@link validateEvents}. */
export type ValidateEventsResult =
  /** `warnings`: the unknown fields the events carried, ignored (see {@link EventWarnings}). */
  | { ok: true; events: CprEvent[]; warnings: EventWarning[] }
  | { ok: false; error: EventValidationError };

/** Options of {@link validateEvents}. */
export interface ValidateEventsOptions {
  /** The clock giving `at` to events that have none (ms since the epoch). */
  now: () => number;
  /** Where to note unknown fields, to gather them over many calls (a file read line by line). Default: a new one per call. */
  warnings?: EventWarnings;
  /** The position given to the warnings of a single event (a file's line number). Default `null`. */
  position?: number;
}

const TYPE_LIST = EVENT_TYPES.map((type) => `"${type}"`).join(', ');

/**
 * Validates one event or an array of events. The batch is all or nothing: the first invalid
 * event rejects it, with its index and the path of the bad field. Events without `at` get
 * `now()` (one reading for the whole batch), and are marked `atDefaulted`. Unknown fields are
 * ignored, and named in `warnings`.
 *
 * @example
 * const result = validateEvents([{ type: 'ticket.resolved', ticketId: 'T-1', by: 'ai' }], { now: Date.now });
 * if (!result.ok) console.error(result.error.message); // "event 0 (ticket.resolved): ..."
 */
export function validateEvents(input: unknown, { now, warnings = new EventWarnings('event'), position }: ValidateEventsOptions): ValidateEventsResult {
  const batch = Array.isArray(input);
  const items: unknown[] = batch ? (input as unknown[]) : [input];
  const receivedAt = now();
  const events: CprEvent[] = [];
  for (let i = 0; i < items.length; i++) {
    const index = batch ? i : null;
    const outcome = validateOne(items[i], receivedAt);
    if ('error' in outcome) {
      const where = index === null ? 'event' : `event ${index}`;
      const kind = typeOf(items[i]);
      const label = kind === null ? where : `${where} (${kind})`;
      const message = outcome.field === null
        ? `Invalid ${label}: ${outcome.error}.`
        : `Invalid ${label}: "${outcome.field}" ${outcome.error}.`;
      return { ok: false, error: { message, index, field: outcome.field } };
    }
    events.push(outcome.event);
    for (const field of unknownFields(items[i] as object, outcome.event.type)) {
      warnings.add({ type: outcome.event.type, field, index: index ?? position ?? null });
    }
  }
  return { ok: true, events, warnings: warnings.list() };
}

type Outcome = { event: CprEvent } | { error: string; field: string | null };

function validateOne(item: unknown, receivedAt: number): Outcome {
  if (typeof item !== 'object' || item === null || Array.isArray(item)) {
    return { error: 'expected a JSON object', field: null };
  }
  const type = (item as { type?: unknown }).type;
  if (type === undefined) return { error: `is required (one of ${TYPE_LIST})`, field: 'type' };
  if (typeof type !== 'string' || !(EVENT_TYPES as readonly string[]).includes(type)) {
    return { error: `must be one of ${TYPE_LIST}`, field: 'type' };
  }
  const parsed = eventSchema.safeParse(item);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue.path.length > 0 ? issue.path.map(String).join('.') : null;
    return { error: issue.message, field };
  }
  return normalise(parsed.data, receivedAt);
}

function typeOf(item: unknown): string | null {
  if (typeof item !== 'object' || item === null) return null;
  const type = (item as { type?: unknown }).type;
  return typeof type === 'string' && (EVENT_TYPES as readonly string[]).includes(type) ? type : null;
}

/** The schema has checked the value with the same parser: here it only gives the time. */
const toMs = (value: string | Date): number => {
  const parsed = parseInstant(value);
  return parsed.ok ? parsed.ms : Number.NaN;
};

/** Applies defaults and the checks that span fields; returns the validated shape. */
function normalise(data: ParsedEvent, receivedAt: number): Outcome {
  // An event without `at` is the same event whenever it arrives: the time is not part of its content.
  const base = data.at === undefined ? { eventId: data.eventId ?? null, at: receivedAt, atDefaulted: true }
    : { eventId: data.eventId ?? null, at: toMs(data.at) };
  if (!Number.isFinite(base.at)) return { error: 'is not a valid date-time', field: 'at' };
  switch (data.type) {
    case 'ticket.opened':
      return { event: { type: data.type, ...base, ticketId: data.ticketId, category: data.category ?? null,
        channel: data.channel ?? null, customerId: data.customerId ?? null } };
    case 'conversation.linked':
      return { event: { type: data.type, ...base, conversationId: data.conversationId, ticketId: data.ticketId } };
    case 'cost.fixed': {
      const from = toMs(data.from);
      const to = toMs(data.to);
      if (!Number.isFinite(from)) return { error: 'is not a valid date-time', field: 'from' };
      if (!Number.isFinite(to)) return { error: 'is not a valid date-time', field: 'to' };
      if (!(from < to)) return { error: 'must be later than "from"', field: 'to' };
      return { event: { type: data.type, ...base, amountUsd: data.amountUsd, from, to, appliesTo: data.appliesTo,
        category: data.category ?? null, note: data.note ?? null } };
    }
    default: {
      const ref = ticketRef(data);
      if ('error' in ref) return ref;
      switch (data.type) {
        case 'handoff':
          return { event: { type: data.type, ...base, ...ref, reason: data.reason ?? null, queue: data.queue ?? null,
            agentId: data.agentId ?? null } };
        case 'human.work':
          return { event: { type: data.type, ...base, ...ref, seconds: data.seconds, agentId: data.agentId ?? null,
            costUsd: data.costUsd ?? null } };
        case 'ticket.resolved':
          return { event: { type: data.type, ...base, ...ref, by: data.by, confirmed: data.confirmed ?? false } };
        case 'ticket.reopened':
          return { event: { type: data.type, ...base, ...ref } };
      }
    }
  }
}

/** Exactly one of `ticketId` and `conversationId`: both would be ambiguous when they disagree. */
function ticketRef(data: { ticketId?: string; conversationId?: string }): TicketRef | { error: string; field: string } {
  if (data.ticketId === undefined && data.conversationId === undefined) {
    return { error: 'is required (or give "conversationId")', field: 'ticketId' };
  }
  if (data.ticketId !== undefined && data.conversationId !== undefined) {
    return { error: 'must not be given together with "ticketId": name the ticket one way', field: 'conversationId' };
  }
  return { ticketId: data.ticketId ?? null, conversationId: data.conversationId ?? null };
}

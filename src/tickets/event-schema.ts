import { z } from 'zod';
import { parseInstant } from '../time/parse-instant.js';

/** Longest id accepted (ticket, conversation, event, agent, customer ids, categories, channels). */
export const MAX_ID_LENGTH = 256;
/** Longest free text accepted (`reason`, `note`). */
export const MAX_TEXT_LENGTH = 2000;

const required = (what: string) => (issue: { input: unknown }) =>
  issue.input === undefined ? 'is required' : `must be ${what}`;

/** An identifier: a non-empty string of at most 256 characters without control characters. */
const id = z
  .string({ error: required('a string') })
  .min(1, 'must not be empty')
  .max(MAX_ID_LENGTH, `must be at most ${MAX_ID_LENGTH} characters`)
  // eslint-disable-next-line no-control-regex
  .regex(/^[^\u0000-\u001f\u007f-\u009f]*$/, 'must not contain control characters');

const text = z
  .string({ error: required('a string') })
  .max(MAX_TEXT_LENGTH, `must be at most ${MAX_TEXT_LENGTH} characters`);

/**
 * A date (`2026-10-01`, UTC midnight), an ISO 8601 date-time with `Z` or an offset, or (in-process)
 * a `Date`: read by the one date parser of every input, which refuses days that do not exist.
 */
const INSTANT = 'a date (2026-10-01) or an ISO 8601 date-time with a time zone, e.g. 2026-11-02T09:30:00Z';
const instant = z.union([z.string(), z.date()], { error: required(INSTANT) }).superRefine((value, ctx) => {
  const parsed = parseInstant(value);
  if (!parsed.ok) ctx.addIssue({ code: 'custom', message: parsed.problem === 'form' ? `must be ${INSTANT}` : parsed.reason });
});

/** Largest amount (USD) or duration (seconds) accepted: beyond it a value is a mistake, and sums could overflow to Infinity. */
export const MAX_AMOUNT = 1e12;

const money = z
  .number({ error: required('a number') })
  .finite('must be a finite number')
  .nonnegative('must be >= 0')
  .max(MAX_AMOUNT, `must be at most ${MAX_AMOUNT.toExponential()}`);

const base = {
  eventId: id.optional(),
  at: instant.optional(),
};

/** `ticketId` or `conversationId`: exactly one is checked by the validator. */
const ref = {
  ticketId: id.optional(),
  conversationId: id.optional(),
};

const ticketOpened = z.object({
  type: z.literal('ticket.opened'),
  ...base,
  ticketId: id,
  category: id.optional(),
  channel: id.optional(),
  customerId: id.optional(),
});

const conversationLinked = z.object({
  type: z.literal('conversation.linked'),
  ...base,
  conversationId: id,
  ticketId: id,
});

const handoff = z.object({
  type: z.literal('handoff'),
  ...base,
  ...ref,
  reason: text.optional(),
  queue: id.optional(),
  agentId: id.optional(),
});

const humanWork = z.object({
  type: z.literal('human.work'),
  ...base,
  ...ref,
  seconds: money,
  agentId: id.optional(),
  costUsd: money.optional(),
});

const ticketResolved = z.object({
  type: z.literal('ticket.resolved'),
  ...base,
  ...ref,
  by: z.enum(['ai', 'human'], { error: required('"ai" or "human"') }),
  confirmed: z.boolean({ error: required('true or false') }).optional(),
});

const ticketReopened = z.object({
  type: z.literal('ticket.reopened'),
  ...base,
  ...ref,
});

const fixedCost = z.object({
  type: z.literal('cost.fixed'),
  ...base,
  amountUsd: money,
  from: instant,
  to: instant,
  appliesTo: z.enum(['ai', 'human', 'shared'], { error: required('"ai", "human" or "shared"') }),
  category: id.optional(),
  note: text.optional(),
});

/**
 * The schema of one incoming event: a union discriminated by `type`. Unknown fields are
 * ignored (stripped), so webhooks that send more than cpr-meter needs are accepted; an unknown
 * `type` is rejected.
 */
export const eventSchema = z.discriminatedUnion('type', [
  ticketOpened,
  conversationLinked,
  handoff,
  humanWork,
  ticketResolved,
  ticketReopened,
  fixedCost,
]);

/** An event as accepted on the way in (JSON, or the in-process API): ISO 8601 strings or `Date`s, optional fields omitted. */
export type CprEventInput = z.input<typeof eventSchema>;

/** An event as parsed by {@link eventSchema}, before defaults and cross-field checks. */
export type ParsedEvent = z.output<typeof eventSchema>;

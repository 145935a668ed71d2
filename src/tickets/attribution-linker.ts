import { createHash } from 'node:crypto';
import type { Logger } from '../logging/logger.js';
import type { TicketLedger } from '../ledger/ticket-ledger.js';
import type { CprEvent } from './types.js';

/** Who a call belongs to, as the proxy headers or the middleware context say. */
export interface CallAttribution {
  conversationId: string | null;
  ticketId: string | null;
  customerId: string | null;
  channel: string | null;
  category: string | null;
}

/** A printable, fixed-length event id for a tuple of values (ids may contain any separator). */
function derivedId(kind: string, values: ReadonlyArray<string | null>): string {
  return `cpr:${kind}:${createHash('sha256').update(JSON.stringify(values)).digest('base64url').slice(0, 32)}`;
}

/**
 * Turns a call's attribution into ordinary events: `conversation.linked` when it names a
 * ticket, and `ticket.opened` carrying the ticket's attributes (on the conversation's implicit
 * ticket when no ticket is named). Their event ids are derived from the values, so repeats are
 * duplicates the ledger ignores. Pure.
 */
export function attributionEvents(attribution: CallAttribution, at: number): CprEvent[] {
  const events: CprEvent[] = [];
  const { conversationId, ticketId, customerId, channel, category } = attribution;
  if (conversationId !== null && ticketId !== null) {
    events.push({ type: 'conversation.linked', eventId: derivedId('link', [conversationId, ticketId]), at, conversationId, ticketId });
  }
  const ticket = ticketId ?? conversationId;
  if (ticket !== null && (customerId !== null || channel !== null || category !== null)) {
    events.push({
      type: 'ticket.opened',
      eventId: derivedId('attrs', [ticket, category, channel, customerId]),
      at, ticketId: ticket, category, channel, customerId,
    });
  }
  return events;
}

/**
 * Records the events of each call's attribution once: a bounded memory of what was already sent
 * saves a write per call for a conversation's later turns. Failures are logged, never thrown:
 * attribution is bookkeeping, and the LLM call must go through.
 */
export class AttributionLinker {
  readonly #ledger: TicketLedger;
  readonly #logger: Logger;
  readonly #sent = new Set<string>();
  readonly #limit: number;

  constructor({ ledger, logger, memory = 50_000 }: { ledger: TicketLedger; logger: Logger; memory?: number }) {
    this.#ledger = ledger;
    this.#logger = logger;
    this.#limit = memory;
  }

  /** Records what `attribution` says, unless it was already recorded. */
  link(attribution: CallAttribution, at: number): void {
    const fresh = attributionEvents(attribution, at).filter((event) => !this.#sent.has(event.eventId!));
    if (fresh.length === 0) return;
    this.#ledger.recordEvents(fresh).then(
      () => {
        // A Set iterates in insertion order: forget the oldest first.
        for (const event of fresh) this.#sent.add(event.eventId!);
        while (this.#sent.size > this.#limit) this.#sent.delete(this.#sent.values().next().value!);
      },
      (error: unknown) => this.#logger.warn('could not record a conversation link or ticket attributes', { error: (error as Error).message }),
    );
  }
}

import { createHash } from 'node:crypto';
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

/** Where the linker's events go: the call recorder, so that they fail open as calls do. */
export interface LinkSink {
  recordEvents(events: CprEvent[]): Promise<'written' | 'buffered' | 'dropped'>;
}

/**
 * Records the events of each call's attribution once: a bounded memory of what was already
 * sent saves a write per call for a conversation's later turns. The events go through the call
 * recorder ({@link LinkSink}): in the group commit's transaction with the calls, and, when the
 * ledger fails, buffered, retried, or dropped only when counted and logged, exactly as calls
 * are. The linker never waits for the ledger and never throws: attribution is bookkeeping, and
 * the LLM call must go through.
 */
export class AttributionLinker {
  readonly #sink: LinkSink;
  readonly #sent = new Set<string>();
  readonly #limit: number;

  constructor({ sink, memory = 50_000 }: { sink: LinkSink; memory?: number }) {
    this.#sink = sink;
    this.#limit = memory;
  }

  /** Records what `attribution` says, unless it was already recorded. */
  link(attribution: CallAttribution, at: number): void {
    const fresh = attributionEvents(attribution, at).filter((event) => !this.#sent.has(event.eventId!));
    if (fresh.length === 0) return;
    // Remembered at once, so that the conversation's next calls do not queue the same events
    // again; forgotten if they are dropped, so that a later call tries again.
    for (const event of fresh) this.#sent.add(event.eventId!);
    // A Set iterates in insertion order: forget the oldest first.
    while (this.#sent.size > this.#limit) this.#sent.delete(this.#sent.values().next().value!);
    void this.#sink.recordEvents(fresh).then((outcome) => {
      if (outcome === 'dropped') for (const event of fresh) this.#sent.delete(event.eventId!);
    });
  }
}

import type { Helpdesk } from './helpdesk-config.js';

/**
 * What became of a delivery. `duplicate`: every event already stored with the same content (a
 * redelivery); `conflict`: nothing new, and some event ids stored before with other content (the
 * mapping options changed since the first delivery, or the helpdesk changed it), not stored;
 * `buffered`: kept in memory while the ledger was locked; `unavailable`: refused with 503 for a retry.
 */
export const OUTCOMES = ['stored', 'duplicate', 'conflict', 'ignored', 'rejected', 'buffered', 'unavailable'] as const;
/** One of {@link OUTCOMES}. */
export type Outcome = (typeof OUTCOMES)[number];

/** One helpdesk's deliveries since the server started, as `GET /api/helpdesks` shows them. */
export interface HelpdeskDeliveryStats {
  endpoint: string;
  /** ISO 8601 time of the last delivery (any outcome); `null` when none came. */
  lastDeliveryAt: string | null;
  lastOutcome: Outcome | null;
  /** Why the last rejected delivery was refused (e.g. `Invalid Zendesk webhook signature.`), to help set a webhook up. */
  lastRejection: string | null;
  counts: Record<Outcome, number>;
}

/**
 * Per-helpdesk counters of deliveries by outcome, kept in memory (since the server started).
 *
 * @example
 * stats.count({ helpdesk: 'zendesk', outcome: 'stored', at: Date.now() });
 */
export class DeliveryStats {
  readonly #byHelpdesk = new Map<Helpdesk, HelpdeskDeliveryStats>();

  constructor(helpdesks: readonly Helpdesk[]) {
    for (const helpdesk of helpdesks) {
      const counts = Object.fromEntries(OUTCOMES.map((outcome) => [outcome, 0])) as Record<Outcome, number>;
      this.#byHelpdesk.set(helpdesk, { endpoint: `/webhooks/${helpdesk}`, lastDeliveryAt: null, lastOutcome: null, lastRejection: null, counts });
    }
  }

  count({ helpdesk, outcome, at, rejection }: { helpdesk: Helpdesk; outcome: Outcome; at: number; rejection?: string }): void {
    const stats = this.#byHelpdesk.get(helpdesk);
    if (stats === undefined) return;
    stats.counts[outcome] += 1;
    stats.lastDeliveryAt = new Date(at).toISOString();
    stats.lastOutcome = outcome;
    if (rejection !== undefined) stats.lastRejection = rejection;
  }

  /** A copy, by helpdesk configured. */
  snapshot(): Partial<Record<Helpdesk, HelpdeskDeliveryStats>> {
    return Object.fromEntries([...this.#byHelpdesk].map(([helpdesk, stats]) => [helpdesk, { ...stats, counts: { ...stats.counts } }]));
  }
}

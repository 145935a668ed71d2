import type { Ledger } from '../ledger/open-ledger.js';
import type { Logger } from '../logging/logger.js';
import { stageMoveBatchOf, type DeliveryBatch, type WebhookWriter, type WriteOutcome } from './delivery-writer.js';

/** Options of {@link LedgerDeliveryWriter}. */
export interface LedgerDeliveryWriterOptions {
  ledger: Ledger;
  logger: Logger;
  now?: () => number;
  /**
   * The longest a delivery waits for its transaction before it is answered 503, ms. Default
   * 3,000: within the 5 s HubSpot and Intercom give an answer. A transaction that commits after
   * it is no harm: the redelivery finds its events and moves stored, a duplicate.
   */
  answerWithinMs?: number;
}

/**
 * Webhook deliveries written through the `Ledger` contract (PostgreSQL): events with
 * `recordEvents`, a delivery with stage moves with `recordStageMoves`, each one transaction on a
 * pooled connection, never holding the event loop. Nothing is kept in memory: a delivery the
 * ledger could not take (server down, unreachable, every connection busy) is answered `busy`,
 * 503, and the helpdesk redelivers it; as the write was all or nothing and ids are kept, a
 * redelivery doubles nothing, even of a delivery whose commit happened but whose answer was lost.
 */
export class LedgerDeliveryWriter implements WebhookWriter {
  readonly #ledger: Ledger;
  readonly #logger: Logger;
  readonly #now: () => number;
  readonly #answerWithinMs: number;
  readonly #loggedKinds = new Set<string>();
  readonly buffered = 0;
  readonly dropped = 0;

  constructor({ ledger, logger, now = Date.now, answerWithinMs = 3_000 }: LedgerDeliveryWriterOptions) {
    this.#ledger = ledger;
    this.#answerWithinMs = answerWithinMs;
    this.#logger = logger;
    this.#now = now;
  }

  async write(batch: DeliveryBatch): Promise<WriteOutcome> {
    try {
      const { accepted, duplicates, conflicts, newMoves } = await this.#within((batch.stageMoves?.length ?? 0) > 0
        ? this.#ledger.recordStageMoves(stageMoveBatchOf(batch, this.#now))
        : this.#ledger.recordEvents(batch.events).then((result) => ({ ...result, newMoves: 0 })));
      return { kind: 'written', accepted, duplicates, conflicts: conflicts.length, newMoves };
    } catch (error) {
      const code = (error as { code?: unknown } | null)?.code;
      const kind = typeof code === 'string' ? code : (error as Error | null)?.name ?? 'UnknownError';
      if (!this.#loggedKinds.has(kind)) {
        this.#loggedKinds.add(kind);
        // The ledger's errors carry its description, never the password.
        this.#logger.warn('webhook events not written: the ledger refused the write; the helpdesk is asked to redeliver',
          { kind, error: (error as Error).message });
      }
      return { kind: 'busy', reason: kind };
    }
  }

  /** `writing`, or a rejection with code `SLOW_COMMIT` past `answerWithinMs` (the write goes on). */
  #within<T>(writing: Promise<T>): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => reject(Object.assign(new Error(`the ledger did not commit within ${this.#answerWithinMs} ms`),
        { code: 'SLOW_COMMIT' })), this.#answerWithinMs);
    });
    writing.catch(() => {}); // A write that fails after the answer was given is the redelivery's to retry.
    return Promise.race([writing, late]).finally(() => clearTimeout(timer));
  }

  close(): void {
    // Nothing buffered: each delivery was answered after its transaction.
  }
}

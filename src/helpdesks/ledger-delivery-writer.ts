import type { Ledger } from '../ledger/open-ledger.js';
import type { Logger } from '../logging/logger.js';
import { stageMoveBatchOf, type DeliveryBatch, type WebhookWriter, type WriteOutcome } from './delivery-writer.js';

/** Options of {@link LedgerDeliveryWriter}. */
export interface LedgerDeliveryWriterOptions {
  ledger: Ledger;
  logger: Logger;
  now?: () => number;
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
  readonly #loggedKinds = new Set<string>();
  readonly buffered = 0;
  readonly dropped = 0;

  constructor({ ledger, logger, now = Date.now }: LedgerDeliveryWriterOptions) {
    this.#ledger = ledger;
    this.#logger = logger;
    this.#now = now;
  }

  async write(batch: DeliveryBatch): Promise<WriteOutcome> {
    try {
      const { accepted, duplicates, conflicts, newMoves } = (batch.stageMoves?.length ?? 0) > 0
        ? await this.#ledger.recordStageMoves(stageMoveBatchOf(batch, this.#now))
        : { ...await this.#ledger.recordEvents(batch.events), newMoves: 0 };
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

  close(): void {
    // Nothing buffered: each delivery was answered after its transaction.
  }
}

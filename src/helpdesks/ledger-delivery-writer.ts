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
  /**
   * Deliveries written at once; the others wait their turn (within `answerWithinMs`). Keeps a
   * burst of webhooks from taking every connection of the pool the proxy's calls commit through.
   * Default: no limit.
   */
  maxConcurrentWrites?: number;
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
  readonly #maxConcurrentWrites: number;
  #writing = 0;
  readonly #turns: Array<() => void> = [];
  readonly #loggedKinds = new Set<string>();
  readonly buffered = 0;
  readonly dropped = 0;

  constructor({ ledger, logger, now = Date.now, answerWithinMs = 3_000, maxConcurrentWrites = Number.POSITIVE_INFINITY }: LedgerDeliveryWriterOptions) {
    this.#ledger = ledger;
    this.#maxConcurrentWrites = Math.max(1, maxConcurrentWrites);
    this.#answerWithinMs = answerWithinMs;
    this.#logger = logger;
    this.#now = now;
  }

  async write(batch: DeliveryBatch): Promise<WriteOutcome> {
    try {
      const answered = { late: false };
      const { accepted, duplicates, conflicts, newMoves } = await this.#within(this.#inTurn(answered, () => (batch.stageMoves?.length ?? 0) > 0
        ? this.#ledger.recordStageMoves(stageMoveBatchOf(batch, this.#now))
        : this.#ledger.recordEvents(batch.events).then((result) => ({ ...result, newMoves: 0 }))), answered);
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

  /**
   * Runs `write` when fewer than `maxConcurrentWrites` run; a delivery answered (503) before its
   * turn came is not written at all: the helpdesk redelivers it.
   */
  async #inTurn<T>(answered: { late: boolean }, write: () => Promise<T>): Promise<T> {
    // A finished write hands its slot to the next in line: `#writing` counts the slots taken.
    if (this.#writing >= this.#maxConcurrentWrites) await new Promise<void>((resolve) => this.#turns.push(resolve));
    else this.#writing += 1;
    try {
      if (answered.late) throw Object.assign(new Error('answered before its turn to write'), { code: 'SLOW_COMMIT' });
      return await write();
    } finally {
      const next = this.#turns.shift();
      if (next !== undefined) next();
      else this.#writing -= 1;
    }
  }

  /** `writing`, or a rejection with code `SLOW_COMMIT` past `answerWithinMs` (a write already started goes on). */
  #within<T>(writing: Promise<T>, answered: { late: boolean }): Promise<T> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<never>((_, reject) => {
      timer = setTimeout(() => {
        answered.late = true;
        reject(Object.assign(new Error(`the ledger did not commit within ${this.#answerWithinMs} ms`), { code: 'SLOW_COMMIT' }));
      }, this.#answerWithinMs);
    });
    writing.catch(() => {}); // A write that fails after the answer was given is the redelivery's to retry.
    return Promise.race([writing, late]).finally(() => clearTimeout(timer));
  }

  close(): void {
    // Nothing buffered: each delivery was answered after its transaction.
  }
}

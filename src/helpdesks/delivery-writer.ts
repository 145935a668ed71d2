import type { Database } from 'better-sqlite3';
import type { Logger } from '../logging/logger.js';
import { insertEvents } from '../ledger/sqlite/ticket-store.js';
import { recordStageMovesSync } from '../ledger/sqlite/stage-move-store.js';
import type { StageMoveBatch } from '../ledger/stage-moves.js';
import { validateEvents } from '../tickets/validate-events.js';
import type { CprEvent, CprEventInput } from '../tickets/types.js';
import type { StageMove } from './map-hubspot.js';

/** What one delivery asks the ledger to keep. */
export interface DeliveryBatch {
  helpdesk: string;
  events: CprEvent[];
  /** Stage moves to remember, and the events each reveals once its neighbours are known (HubSpot). */
  stageMoves?: StageMove[];
  deriveFromMove?: (move: StageMove, neighbours: { previous: StageMove | null; next: StageMove | null }) => CprEventInput[];
}

/** How a write went: stored (with counts), kept in memory for a retry, or refused because the ledger is locked. */
export type WriteOutcome =
  /** `conflicts`: events not stored because their id was stored before with other content. */
  | { kind: 'written'; accepted: number; duplicates: number; conflicts: number; newMoves: number }
  | { kind: 'buffered' }
  | { kind: 'busy'; reason: string };

/** What the webhook route writes through: {@link DeliveryWriter} (SQLite) or `LedgerDeliveryWriter` (any `Ledger`). */
export interface WebhookWriter {
  write(batch: DeliveryBatch, options: { mayBuffer: boolean }): Promise<WriteOutcome>;
  /** Events waiting in memory for the ledger. */
  readonly buffered: number;
  /** Events lost: buffer full, or still buffered at close. */
  readonly dropped: number;
  close(): void;
}

/**
 * A delivery with stage moves as the ledger's `recordStageMoves` takes it: what a new move
 * reveals is validated against `now` (an event that does not validate is not stored).
 */
export function stageMoveBatchOf(batch: DeliveryBatch, now: () => number): StageMoveBatch {
  return {
    helpdesk: batch.helpdesk, moves: batch.stageMoves ?? [], events: batch.events,
    derive: (move, neighbours) => {
      const derived = validateEvents(batch.deriveFromMove?.(move, neighbours) ?? [], { now });
      return derived.ok ? derived.events : [];
    },
  };
}

/** Options of {@link DeliveryWriter}. */
export interface DeliveryWriterOptions {
  db: Database;
  /** The connection's normal busy timeout, restored after each non-waiting write, ms. */
  busyTimeoutMs: number;
  logger: Logger;
  /** Events kept in memory while the ledger is locked. Default 10,000. */
  bufferLimit?: number;
  /** How often buffered events are retried, ms. Default 500. */
  retryIntervalMs?: number;
  now?: () => number;
}

/**
 * The one place webhook deliveries are written to the ledger (so that it can move off the
 * proxy's thread with the event API). A write never waits for another connection's lock: the
 * busy timeout would hold the proxy's event loop, and a helpdesk gives 5 s to answer. When the
 * ledger is locked, a delivery is either kept in a bounded memory buffer and retried (for
 * helpdesks that retry little or not at all), or refused so that the helpdesk retries it.
 */
export class DeliveryWriter implements WebhookWriter {
  readonly #db: Database;
  readonly #busyTimeoutMs: number;
  readonly #logger: Logger;
  readonly #bufferLimit: number;
  readonly #now: () => number;
  #buffer: CprEvent[] = [];
  #timer: NodeJS.Timeout | undefined;
  #loggedKinds = new Set<string>();
  /** Events lost: buffer full, or still buffered at close with the ledger locked. */
  dropped = 0;

  constructor({ db, busyTimeoutMs, logger, bufferLimit = 10_000, retryIntervalMs = 500, now = Date.now }: DeliveryWriterOptions) {
    this.#db = db;
    this.#busyTimeoutMs = Math.max(0, Math.trunc(busyTimeoutMs)) || 0;
    this.#logger = logger;
    this.#bufferLimit = bufferLimit;
    this.#now = now;
    this.#timer = setInterval(() => this.#flush(false), retryIntervalMs);
    this.#timer.unref();
  }

  /** Events waiting in memory for the ledger. */
  get buffered(): number {
    return this.#buffer.length;
  }

  /**
   * Writes a delivery's events (and stage moves) without waiting for a lock. Deliveries that
   * arrive in the same turn of the event loop share one transaction (each its own savepoint):
   * a commit per delivery would cost a burst more than all the rest of their work, and the
   * proxy's requests wait behind it.
   */
  write(batch: DeliveryBatch, { mayBuffer }: { mayBuffer: boolean }): Promise<WriteOutcome> {
    return new Promise((resolve) => {
      this.#pending.push({ batch, mayBuffer, resolve });
      if (this.#pending.length === 1) setImmediate(() => this.#commitPending());
    });
  }

  #pending: Array<{ batch: DeliveryBatch; mayBuffer: boolean; resolve: (outcome: WriteOutcome) => void }> = [];

  #commitPending(): void {
    const group = this.#pending;
    this.#pending = [];
    let outcomes: WriteOutcome[];
    try {
      outcomes = this.#nowait(() => this.#db.transaction(() => group.map(({ batch }) => this.#transaction(batch)))());
    } catch (error) {
      outcomes = group.map(({ batch, mayBuffer }) => this.#failed(batch, mayBuffer, error));
    }
    group.forEach(({ resolve }, i) => resolve(outcomes[i]!));
  }

  #failed(batch: DeliveryBatch, mayBuffer: boolean, error: unknown): WriteOutcome {
    const kind = kindOf(error);
    if (!this.#loggedKinds.has(kind)) {
      this.#loggedKinds.add(kind);
      this.#logger.warn('webhook events not written: the ledger refused the write', { kind, error: (error as Error).message });
    }
    if (!mayBuffer || (batch.stageMoves?.length ?? 0) > 0 || kind !== 'SQLITE_BUSY') return { kind: 'busy', reason: kind };
    if (this.#buffer.length + batch.events.length > this.#bufferLimit) return { kind: 'busy', reason: 'buffer full' };
    this.#buffer.push(...batch.events);
    return { kind: 'buffered' };
  }

  /** Stops retrying; writes what is buffered, waiting for locks this time. */
  close(): void {
    clearInterval(this.#timer);
    if (this.#pending.length > 0) this.#commitPending();
    this.#flush(true);
    if (this.#buffer.length > 0) {
      this.dropped += this.#buffer.length;
      this.#logger.error('webhook events lost at stop: the ledger stayed locked', { events: this.#buffer.length });
      this.#buffer = [];
    }
  }

  #transaction(batch: DeliveryBatch): WriteOutcome {
    const { accepted, duplicates, conflicts, newMoves } = recordStageMovesSync(this.#db, stageMoveBatchOf(batch, this.#now));
    return { kind: 'written', accepted, duplicates, conflicts: conflicts.length, newMoves };
  }

  #flush(wait: boolean): void {
    if (this.#buffer.length === 0) return;
    const events = this.#buffer;
    try {
      const { conflicts } = wait ? insertEvents(this.#db, events) : this.#nowait(() => insertEvents(this.#db, events));
      this.#buffer = [];
      this.#logger.info('buffered webhook events written', { events: events.length });
      if (conflicts.length > 0) {
        this.#logger.warn('buffered webhook events not stored: their ids were stored before with other content', { events: conflicts.length });
      }
    } catch {
      // Still locked: the next tick tries again.
    }
  }

  #nowait<T>(write: () => T): T {
    this.#db.pragma('busy_timeout = 0');
    try {
      return write();
    } finally {
      this.#db.pragma(`busy_timeout = ${this.#busyTimeoutMs}`);
    }
  }
}

function kindOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : (error as Error | null)?.name ?? 'UnknownError';
}

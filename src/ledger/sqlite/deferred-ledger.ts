import { LedgerError } from '../../errors.js';
import type { CprEvent } from '../../tickets/types.js';
import type { RepriceCandidate, TimeWindow } from '../ledger.js';
import type { RecordEventsResult, ReportInputOptions } from '../ticket-ledger.js';
import type { LlmCall } from '../types.js';
import type { ReportInput } from '../../reports/types.js';
import type { LedgerFileStatus, SqliteLedger } from './sqlite-ledger.js';

/** Failures to open a ledger that a fuller or writable volume, or a released lock, cures. */
const TRANSIENT = /^(SQLITE_(FULL|IOERR|READONLY|CANTOPEN|BUSY|LOCKED)|ENOSPC|EROFS|EDQUOT|EACCES|EPERM)/;

/** The code of an open failure: the cause's (`SQLITE_IOERR_SHMSIZE`, `ENOSPC`…), else the error's. */
function codeOf(error: unknown): string {
  const { code, cause } = (error ?? {}) as { code?: unknown; cause?: { code?: unknown } };
  if (typeof cause?.code === 'string') return cause.code;
  return typeof code === 'string' ? code : 'UNKNOWN';
}

/** True when a failure to open the ledger should not stop `serve` from starting (see {@link DeferredLedger}). */
export function isTransientOpenFailure(error: unknown): boolean {
  return TRANSIENT.test(codeOf(error));
}

/** Options of {@link DeferredLedger}. */
export interface DeferredLedgerOptions {
  /** Opens the ledger; throws while it cannot. */
  open: () => SqliteLedger;
  /** The failure that made the first attempt fail. */
  error: unknown;
  /** Called once, with the ledger, when it opens at last. */
  onOpen: (ledger: SqliteLedger) => void;
  /** Attempts are at least this far apart, ms. Default 1,000. */
  retryMs?: number;
  now?: () => number;
}

/**
 * A ledger that could not be opened when `serve` started (a full or read-only volume: SQLite
 * cannot even make its shared-memory file), standing in for it so that the proxy runs anyway,
 * as it does when the volume fills while running: every write fails at once with the reason
 * (a {@link LedgerError} whose `code` is SQLite's, e.g. `SQLITE_IOERR_SHMSIZE`), the recorder
 * buffers the rows, and `/healthz` answers 503 with the reason. Each write (the recorder's
 * retries, once a second) tries to open the ledger again, at most once per `retryMs`; once it
 * opens, everything goes to it.
 */
export class DeferredLedger {
  readonly #open: () => SqliteLedger;
  readonly #onOpen: (ledger: SqliteLedger) => void;
  readonly #retryMs: number;
  readonly #now: () => number;
  #ledger: SqliteLedger | undefined;
  #error: LedgerError;
  #triedAt: number;

  constructor({ open, error, onOpen, retryMs = 1_000, now = Date.now }: DeferredLedgerOptions) {
    this.#open = open;
    this.#onOpen = onOpen;
    this.#retryMs = retryMs;
    this.#now = now;
    this.#error = this.#describe(error);
    this.#triedAt = now();
  }

  /** The ledger once open, else `undefined`. */
  get opened(): SqliteLedger | undefined {
    return this.#ledger;
  }

  #describe(error: unknown): LedgerError {
    const reason = (error as Error | null)?.message ?? String(error);
    return new LedgerError(`${reason} (is the volume full or read-only?); LLM calls go through and their rows wait for retry.`,
      { code: codeOf(error), cause: error });
  }

  /** The ledger, opened now if it can be; else throws why not. */
  #get(): SqliteLedger {
    if (this.#ledger) return this.#ledger;
    if (this.#now() - this.#triedAt >= this.#retryMs) {
      this.#triedAt = this.#now();
      try {
        this.#ledger = this.#open();
        this.#onOpen(this.#ledger);
        return this.#ledger;
      } catch (error) {
        this.#error = this.#describe(error);
      }
    }
    throw this.#error;
  }

  recordCallSync(call: LlmCall, options?: { wait?: boolean }): void {
    this.#get().recordCallSync(call, options);
  }

  recordCallsSync(calls: readonly LlmCall[], options?: { wait?: boolean }): void {
    this.#get().recordCallsSync(calls, options);
  }

  recordBatchSync(batch: { calls: readonly LlmCall[]; events: readonly CprEvent[] }, options?: { wait?: boolean }): void {
    this.#get().recordBatchSync(batch, options);
  }

  async recordBatch(batch: { calls: readonly LlmCall[]; events: readonly CprEvent[] }, options?: { wait?: boolean }): Promise<void> {
    this.recordBatchSync(batch, options);
  }

  async recordCall(call: LlmCall): Promise<void> {
    this.recordCallSync(call);
  }

  async recordEvents(events: CprEvent[]): Promise<RecordEventsResult> {
    return this.#get().recordEvents(events);
  }

  async reportInput(options: ReportInputOptions): Promise<ReportInput> {
    return this.#get().reportInput(options);
  }

  async repriceCandidates(window: TimeWindow): Promise<RepriceCandidate[]> {
    return this.#get().repriceCandidates(window);
  }

  async updateCosts(updates: Array<Pick<LlmCall, 'id' | 'costUsd' | 'prices'>>): Promise<number> {
    return this.#get().updateCosts(updates);
  }

  async ping(): Promise<void> {
    await this.#get().ping();
  }

  fileStatus(): LedgerFileStatus {
    return this.#ledger?.fileStatus() ?? 'ok';
  }

  async close(): Promise<void> {
    await this.#ledger?.close();
  }
}

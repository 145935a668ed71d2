import type { Logger } from '../logging/logger.js';
import type { CallLedger } from './ledger.js';
import type { LlmCall } from './types.js';

/** A ledger that can also commit synchronously (SQLite does). */
type MaybeSyncLedger = CallLedger & { recordCallSync?: (call: LlmCall) => void };

/** Counters of what the recorder did, for `/healthz` and metrics. */
export interface RecorderStats {
  recorded: number;
  /** Writes that failed (each is buffered for retry, or dropped when the buffer is full). */
  failedWrites: number;
  /** Calls waiting in the retry buffer now. */
  buffered: number;
  /** Calls lost because the retry buffer was full. Never silent: logged and counted. */
  dropped: number;
  /** Failure count per kind (`SQLITE_BUSY`, `SQLITE_READONLY`, `SQLITE_FULL`, …). */
  failuresByKind: Record<string, number>;
}

/** Options of {@link CallRecorder}. */
export interface CallRecorderOptions {
  ledger: MaybeSyncLedger;
  logger: Logger;
  /** Calls kept for retry while the ledger fails. Default 10,000. */
  bufferLimit?: number;
  /** How often the buffer is retried. Default 1,000 ms. */
  retryIntervalMs?: number;
}

/** Called after each call is handed to the ledger (telemetry listens here). */
export type CallListener = (call: LlmCall) => void;

function kindOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : (error as Error | null)?.name ?? 'UnknownError';
}

/**
 * Writes calls to the ledger, failing open: a ledger that is locked, read-only, gone or full
 * never fails the LLM call. Failed writes are kept in a bounded buffer and retried; what the
 * buffer cannot hold is dropped and counted. Each kind of failure is logged once (and again
 * after a recovery), not once per request.
 */
export class CallRecorder {
  readonly #ledger: MaybeSyncLedger;
  readonly #logger: Logger;
  readonly #bufferLimit: number;
  readonly #retryIntervalMs: number;
  readonly #buffer: LlmCall[] = [];
  readonly #loggedKinds = new Set<string>();
  readonly #listeners: CallListener[] = [];
  #timer: NodeJS.Timeout | undefined;
  #stats: RecorderStats = { recorded: 0, failedWrites: 0, buffered: 0, dropped: 0, failuresByKind: {} };

  constructor({ ledger, logger, bufferLimit = 10_000, retryIntervalMs = 1_000 }: CallRecorderOptions) {
    this.#ledger = ledger;
    this.#logger = logger;
    this.#bufferLimit = bufferLimit;
    this.#retryIntervalMs = retryIntervalMs;
  }

  /** Adds a listener called with every recorded call, whether or not the write succeeded. */
  onCall(listener: CallListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Commits one call. Resolves once the ledger has it (or it has been buffered or dropped);
   * never rejects.
   */
  async record(call: LlmCall): Promise<void> {
    try {
      await this.#write(call);
      this.#stats.recorded += 1;
    } catch (error) {
      this.#failed(call, error);
    }
    for (const listener of this.#listeners) {
      try {
        listener(call);
      } catch (error) {
        this.#logOnce(`listener:${kindOf(error)}`, 'a call listener threw', error);
      }
    }
  }

  #write(call: LlmCall): Promise<void> | void {
    return this.#ledger.recordCallSync ? this.#ledger.recordCallSync(call) : this.#ledger.recordCall(call);
  }

  #failed(call: LlmCall, error: unknown): void {
    const kind = kindOf(error);
    this.#stats.failedWrites += 1;
    this.#stats.failuresByKind[kind] = (this.#stats.failuresByKind[kind] ?? 0) + 1;
    this.#logOnce(kind, 'ledger write failed; the LLM call went through and the row is kept for retry', error);
    if (this.#buffer.length >= this.#bufferLimit) {
      this.#stats.dropped += 1;
      this.#logOnce('buffer-full', 'retry buffer full: ledger rows are being dropped (counted in "dropped")', error);
    } else {
      this.#buffer.push(call);
    }
    this.#stats.buffered = this.#buffer.length;
    this.#schedule();
  }

  #logOnce(kind: string, message: string, error: unknown): void {
    if (this.#loggedKinds.has(kind)) return;
    this.#loggedKinds.add(kind);
    this.#logger.error(message, { kind, error: (error as Error | null)?.message ?? String(error) });
  }

  #schedule(): void {
    if (this.#timer) return;
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      void this.flush();
    }, this.#retryIntervalMs);
    this.#timer.unref();
  }

  /** Retries the buffered calls in order; stops at the first failure. Returns how many remain. */
  async flush(): Promise<number> {
    while (this.#buffer.length > 0) {
      try {
        await this.#write(this.#buffer[0]!);
      } catch {
        this.#schedule();
        break;
      }
      this.#buffer.shift();
      this.#stats.recorded += 1;
      if (this.#buffer.length === 0) {
        this.#logger.info('ledger writes recovered; retry buffer flushed', { failuresByKind: this.#stats.failuresByKind });
        this.#loggedKinds.clear();
      }
    }
    this.#stats.buffered = this.#buffer.length;
    return this.#buffer.length;
  }

  /** A copy of the counters. */
  stats(): RecorderStats {
    return { ...this.#stats, buffered: this.#buffer.length, failuresByKind: { ...this.#stats.failuresByKind } };
  }

  /** `degraded` while calls wait for retry. */
  health(): 'ok' | 'degraded' {
    return this.#buffer.length > 0 ? 'degraded' : 'ok';
  }

  /** Stops retrying after one last flush. */
  async close(): Promise<void> {
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await this.flush();
    if (this.#timer) clearTimeout(this.#timer);
  }
}

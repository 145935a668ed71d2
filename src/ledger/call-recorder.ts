import type { Logger } from '../logging/logger.js';
import type { CallLedger } from './ledger.js';
import type { LlmCall } from './types.js';
import type { CprEvent } from '../tickets/types.js';
import type { RecordEventsResult } from './ticket-ledger.js';

/**
 * A ledger that can also commit synchronously (SQLite does), optionally without waiting for a
 * lock, and possibly many calls in one transaction; and that can store the events the proxy
 * writes on a call's behalf (conversation links), with the calls in one transaction.
 */
type MaybeSyncLedger = CallLedger & {
  recordCallSync?: (call: LlmCall, options?: { wait?: boolean }) => void;
  recordCallsSync?: (calls: readonly LlmCall[], options?: { wait?: boolean }) => void;
  recordBatchSync?: (batch: { calls: readonly LlmCall[]; events: readonly CprEvent[] }, options?: { wait?: boolean }) => void;
  recordEvents?: (events: CprEvent[]) => Promise<RecordEventsResult>;
  /** An asynchronous store's batch (PostgreSQL): used when there is no `recordBatchSync`. */
  recordBatch?: (batch: { calls: readonly LlmCall[]; events: readonly CprEvent[] }, options?: { wait?: boolean }) => Promise<void>;
};

/** What became of events handed to {@link CallRecorder.recordEvents}. */
export type EventsOutcome = 'written' | 'buffered' | 'dropped';

/** Rows written in one transaction when the retry buffer is flushed: a slice holds the event loop a few ms. */
const FLUSH_SLICE_ROWS = 500;

/** Counters of what the recorder did, for `/healthz` and metrics. */
export interface RecorderStats {
  recorded: number;
  /** Writes that failed (each is buffered for retry, or dropped when the buffer is full). */
  failedWrites: number;
  /** Calls waiting in the retry buffer now. */
  buffered: number;
  /**
   * Calls lost: the retry buffer was full, the ledger refused the row itself (a constraint), or
   * the process stopped with rows still waiting. Never silent: logged and counted.
   */
  dropped: number;
  /** Failure count per kind (`SQLITE_BUSY`, `SQLITE_READONLY`, `SQLITE_FULL`, …). */
  failuresByKind: Record<string, number>;
  /** Events (conversation links, ticket attributes) written on calls' behalf. */
  recordedEvents: number;
  /** Such events waiting in the retry buffer now. */
  bufferedEvents: number;
  /** Such events lost (buffer full, refused, or still waiting at stop); logged and counted, never silent. */
  droppedEvents: number;
}

/** Options of {@link CallRecorder}. */
export interface CallRecorderOptions {
  ledger: MaybeSyncLedger;
  logger: Logger;
  /** Rows (calls and events) kept for retry while the ledger fails. Default 10,000. */
  bufferLimit?: number;
  /** How often the buffer is retried. Default 1,000 ms. */
  retryIntervalMs?: number;
  /**
   * Commit calls together, many in one transaction: `true` commits the calls recorded during one
   * turn of the event loop at the end of that turn (`setImmediate`); an object can make calls
   * wait longer, so that calls made one after another share a transaction too. Each `record()`
   * still resolves only once its call is committed (or buffered or dropped). Needs a ledger with
   * `recordCallsSync`. A transaction per call costs SQLite a WAL commit per call; under load
   * this is most of what recording costs. Default false: each call is committed inside its own
   * `record()`.
   */
  groupCommit?: boolean | GroupCommitOptions;
  /**
   * With an asynchronous ledger (PostgreSQL): the longest a `record()` waits for its group's
   * commit, ms. Past it the calls go to the retry buffer (counted, kind `COMMIT_WAIT_EXCEEDED`)
   * and `record()` resolves: the LLM call's response is not held longer. Should the commit land
   * after all, the retry skips the rows already stored (by call id and event id). Default
   * {@link DEFAULT_COMMIT_WAIT_MS}.
   */
  commitWaitMs?: number;
}

/**
 * Default of {@link CallRecorderOptions.commitWaitMs}, ms. A group commit to a healthy
 * PostgreSQL takes a few ms (see the README's figures); 500 ms is far above that, so only a
 * stalled or unreachable server reaches it, and small against an LLM call's own seconds, so that
 * a stalled server adds at most half a second to a response before the proxy fails open.
 */
export const DEFAULT_COMMIT_WAIT_MS = 500;

/** How long a group commit gathers calls. */
export interface GroupCommitOptions {
  /**
   * The longest a call waits for its transaction, ms, counted from the first call of the group.
   * 0: until the end of the turn of the event loop it was recorded in. Default 0.
   */
  maxDelayMs?: number;
  /** A group holding this many calls is committed at once. Default 1,000. */
  maxCalls?: number;
}

/** Called after each call is handed to the ledger (telemetry listens here). */
export type CallListener = (call: LlmCall) => void;

function kindOf(error: unknown): string {
  const code = (error as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : (error as Error | null)?.name ?? 'UnknownError';
}

/** Failures that retrying the same row cannot cure: the row itself is refused (SQLite's codes, PostgreSQL's SQLSTATE classes 22 and 23). */
const PERMANENT = /^(SQLITE_(CONSTRAINT|TOOBIG|MISMATCH|RANGE)|2[23][0-9A-Z]{3}$)/;

function isPermanent(error: unknown): boolean {
  return PERMANENT.test(kindOf(error)) || error instanceof TypeError || error instanceof RangeError;
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
  /** Events waiting for retry, in order. */
  #bufferedEvents: CprEvent[] = [];
  /** Events waiting for the group commit, with what resolves their `recordEvents()`. */
  #pendingEvents: Array<{ events: CprEvent[]; done: (outcome: EventsOutcome) => void }> = [];
  /** The flush under way, if any: one at a time. */
  #flushing: Promise<number> | undefined;
  readonly #loggedKinds = new Set<string>();
  readonly #listeners: CallListener[] = [];
  readonly #groupCommit: boolean;
  readonly #maxDelayMs: number;
  readonly #maxCalls: number;
  readonly #commitWaitMs: number;
  /** Group commits of an asynchronous ledger under way, for `close()` to wait for. */
  readonly #committing = new Set<Promise<void>>();
  /** Calls waiting for the group commit, with what resolves their `record()`. */
  #pending: Array<{ call: LlmCall; done: () => void }> = [];
  /** The group commit's timer, while calls wait for one with `maxDelayMs` > 0. */
  #commitTimer: NodeJS.Timeout | undefined;
  #timer: NodeJS.Timeout | undefined;
  #stats: RecorderStats = {
    recorded: 0, failedWrites: 0, buffered: 0, dropped: 0, failuresByKind: {}, recordedEvents: 0, bufferedEvents: 0, droppedEvents: 0,
  };

  constructor({ ledger, logger, bufferLimit = 10_000, retryIntervalMs = 1_000, groupCommit = false, commitWaitMs = DEFAULT_COMMIT_WAIT_MS }: CallRecorderOptions) {
    this.#ledger = ledger;
    this.#logger = logger;
    this.#bufferLimit = bufferLimit;
    this.#retryIntervalMs = retryIntervalMs;
    this.#groupCommit = groupCommit !== false && (typeof ledger.recordCallsSync === 'function' || this.#async());
    this.#commitWaitMs = Math.max(0, commitWaitMs);
    const { maxDelayMs = 0, maxCalls = 1_000 } = typeof groupCommit === 'object' ? groupCommit : {};
    this.#maxDelayMs = Math.max(0, maxDelayMs);
    this.#maxCalls = Math.max(1, Math.trunc(maxCalls));
  }

  /** Adds a listener called with every recorded call, whether or not the write succeeded. */
  onCall(listener: CallListener): void {
    this.#listeners.push(listener);
  }

  /**
   * Commits one call. Resolves once the ledger has it (or it has been buffered or dropped);
   * never rejects.
   */
  record(call: LlmCall): Promise<void> {
    if (!this.#groupCommit) return this.#recordNow(call);
    // A promise and its `then`, not an async function: fewer promises on every call.
    return new Promise<void>((done) => {
      const waiting = this.#pending.push({ call, done });
      if (waiting >= this.#maxCalls) this.#commitPending();
      else if (waiting === 1 && this.#pendingEvents.length === 0) this.#scheduleCommit();
    }).then(() => this.#notify(call));
  }

  /**
   * Stores events written on a call's behalf (a conversation link, ticket attributes) with the
   * same promise as the call itself: in the group commit's transaction with the calls, else
   * through the same fail-open path (never waiting for a lock while rows wait for retry;
   * buffered, retried, and dropped only when counted and logged). Never rejects. The events
   * need event ids: a retry may write what a failed transaction did not.
   */
  recordEvents(events: CprEvent[]): Promise<EventsOutcome> {
    if (events.length === 0) return Promise.resolve('written');
    if (!this.#groupCommit) return this.#recordEventsNow(events);
    return new Promise<EventsOutcome>((done) => {
      this.#pendingEvents.push({ events, done });
      if (this.#pending.length === 0 && this.#pendingEvents.length === 1) this.#scheduleCommit();
    });
  }

  async #recordEventsNow(events: CprEvent[]): Promise<EventsOutcome> {
    try {
      await this.#writeEvents(events, !this.#degraded());
      this.#stats.recordedEvents += events.length;
      return 'written';
    } catch (error) {
      return this.#eventsFailed(events, error);
    }
  }

  async #recordNow(call: LlmCall): Promise<void> {
    try {
      // While rows wait for retry the ledger is failing: do not wait for its lock, call after
      // call (each wait would hold the event loop for the whole busy timeout).
      await this.#write(call, !this.#degraded());
      this.#stats.recorded += 1;
    } catch (error) {
      this.#failed(call, error);
    }
    this.#notify(call);
  }

  /** The ledger commits asynchronously (PostgreSQL): it has a `recordBatch` and no synchronous one. */
  #async(): boolean {
    return typeof this.#ledger.recordBatch === 'function' && typeof this.#ledger.recordBatchSync !== 'function'
      && typeof this.#ledger.recordCallsSync !== 'function';
  }

  /** Rows wait for retry: the ledger is failing, and writes do not wait for its lock. */
  #degraded(): boolean {
    return this.#buffer.length > 0 || this.#bufferedEvents.length > 0;
  }

  /** Tells the listeners, in the caller's async context (a span's parent is the caller's), not in the commit's. */
  #notify(call: LlmCall): void {
    for (const listener of this.#listeners) {
      try {
        listener(call);
      } catch (error) {
        this.#logOnce(`listener:${kindOf(error)}`, 'a call listener threw', error);
      }
    }
  }

  #scheduleCommit(): void {
    if (this.#maxDelayMs === 0) {
      setImmediate(() => this.#commitPending());
      return;
    }
    // Not unreferenced: a process with nothing else to do waits for its last calls to be committed.
    this.#commitTimer = setTimeout(() => this.#commitPending(), this.#maxDelayMs);
  }

  #write(call: LlmCall, wait: boolean): Promise<void> | void {
    return this.#ledger.recordCallSync ? this.#ledger.recordCallSync(call, { wait }) : this.#ledger.recordCall(call);
  }

  async #writeEvents(events: CprEvent[], wait: boolean): Promise<void> {
    if (this.#ledger.recordBatchSync) return this.#ledger.recordBatchSync({ calls: [], events }, { wait });
    if (this.#ledger.recordEvents) return void (await this.#ledger.recordEvents(events));
    throw Object.assign(new Error('this ledger cannot store events'), { code: 'NO_EVENT_STORE' });
  }

  /**
   * The group commit: every call (and event) recorded since the last one, in one transaction.
   * Counts and buffers synchronously (so that `close()` sees every outcome), then resolves the
   * `record()`s. A transaction fails as a whole: on a failure that retrying cannot cure (one
   * row refused), each call is written again on its own, so that only the refused row is dropped.
   */
  #commitPending(): void {
    if (this.#commitTimer) clearTimeout(this.#commitTimer);
    this.#commitTimer = undefined;
    const batch = this.#pending;
    const eventBatch = this.#pendingEvents;
    if (batch.length === 0 && eventBatch.length === 0) return;
    this.#pending = [];
    this.#pendingEvents = [];
    const wait = !this.#degraded();
    if (this.#async()) {
      const committed = this.#commitAsync(batch, eventBatch, wait);
      this.#committing.add(committed);
      void committed.finally(() => this.#committing.delete(committed));
      return;
    }
    const events = eventBatch.flatMap((entry) => entry.events);
    let eventsOutcome: EventsOutcome = 'written';
    try {
      if (events.length > 0 && this.#ledger.recordBatchSync) {
        this.#ledger.recordBatchSync({ calls: batch.map((entry) => entry.call), events }, { wait });
        this.#stats.recordedEvents += events.length;
      } else if (batch.length === 1) this.#writeSync(batch[0]!.call, wait);
      else if (batch.length > 1) this.#ledger.recordCallsSync!(batch.map((entry) => entry.call), { wait });
      this.#stats.recorded += batch.length;
    } catch (error) {
      for (const { call } of batch) {
        try {
          if (batch.length === 1 || !isPermanent(error)) throw error;
          this.#writeSync(call, wait);
          this.#stats.recorded += 1;
        } catch (own) {
          this.#failed(call, own);
        }
      }
      if (events.length > 0 && this.#ledger.recordBatchSync) eventsOutcome = this.#retryEvents(events, error, wait);
    }
    for (const { done } of batch) done();
    if (events.length > 0 && !this.#ledger.recordBatchSync) {
      // A ledger without synchronous batches (none in the project): its events on their own.
      for (const { events: own, done } of eventBatch) void this.#recordEventsNow(own).then(done);
      return;
    }
    for (const { done } of eventBatch) done(eventsOutcome);
  }

  /**
   * The group commit on an asynchronous ledger: one `recordBatch`, waited for at most
   * `commitWaitMs`. Past that, or on a failure, the rows go to the retry buffer; on a row refused
   * for itself, each call is written again on its own so that only it is dropped. Then the
   * `record()`s resolve: never later than the wait.
   */
  async #commitAsync(batch: Array<{ call: LlmCall; done: () => void }>,
    eventBatch: Array<{ events: CprEvent[]; done: (outcome: EventsOutcome) => void }>, wait: boolean): Promise<void> {
    const calls = batch.map((entry) => entry.call);
    const events = eventBatch.flatMap((entry) => entry.events);
    let eventsOutcome: EventsOutcome = 'written';
    const error = await this.#bounded(this.#ledger.recordBatch!({ calls, events }, { wait }));
    if (error === undefined) {
      this.#stats.recorded += calls.length;
      this.#stats.recordedEvents += events.length;
    } else if (isPermanent(error) && calls.length + events.length > 1) {
      for (const call of calls) {
        const own = await this.#bounded(this.#ledger.recordBatch!({ calls: [call], events: [] }, { wait }));
        if (own === undefined) this.#stats.recorded += 1;
        else this.#failed(call, own);
      }
      if (events.length > 0) {
        const own = await this.#bounded(this.#ledger.recordBatch!({ calls: [], events }, { wait }));
        if (own === undefined) this.#stats.recordedEvents += events.length;
        else eventsOutcome = this.#eventsFailed(events, own);
      }
    } else {
      for (const call of calls) this.#failed(call, error);
      if (events.length > 0) eventsOutcome = this.#eventsFailed(events, error);
    }
    for (const { done } of batch) done();
    for (const { done } of eventBatch) done(eventsOutcome);
  }

  /** Waits for `write` at most `commitWaitMs`: `undefined` when it succeeded, else its error (or `COMMIT_WAIT_EXCEEDED`). */
  async #bounded(write: Promise<void>): Promise<unknown> {
    let timer: NodeJS.Timeout | undefined;
    const late = new Promise<unknown>((resolve) => {
      timer = setTimeout(() => resolve(Object.assign(
        new Error(`the ledger did not commit within ${this.#commitWaitMs} ms (--commit-wait-ms); the rows wait for retry`),
        { code: 'COMMIT_WAIT_EXCEEDED' },
      )), this.#commitWaitMs);
    });
    try {
      return await Promise.race([write.then(() => undefined, (error: unknown) => error ?? new Error('ledger write failed')), late]);
    } finally {
      clearTimeout(timer);
    }
  }

  /** After a group transaction failed: events alone again when a call row was refused (not their fault), else kept for retry. */
  #retryEvents(events: CprEvent[], error: unknown, wait: boolean): EventsOutcome {
    if (!isPermanent(error)) return this.#eventsFailed(events, error);
    try {
      this.#ledger.recordBatchSync!({ calls: [], events }, { wait });
      this.#stats.recordedEvents += events.length;
      return 'written';
    } catch (own) {
      return this.#eventsFailed(events, own);
    }
  }

  #writeSync(call: LlmCall, wait: boolean): void {
    if (this.#ledger.recordCallSync) this.#ledger.recordCallSync(call, { wait });
    else this.#ledger.recordCallsSync!([call], { wait });
  }

  /** Counts a failure of `kind`: one log line per kind until writes recover. */
  #countFailure(error: unknown): string {
    const kind = kindOf(error);
    this.#stats.failedWrites += 1;
    this.#stats.failuresByKind[kind] = (this.#stats.failuresByKind[kind] ?? 0) + 1;
    return kind;
  }

  #failed(call: LlmCall, error: unknown): void {
    const kind = this.#countFailure(error);
    if (isPermanent(error)) {
      // Kept for retry, it would fail forever and hold back every row behind it.
      this.#stats.dropped += 1;
      this.#logOnce(kind, 'the ledger refused a row; the LLM call went through and the row is dropped (counted in "dropped")', error);
      return;
    }
    this.#logOnce(kind, 'ledger write failed; the LLM call went through and the row is kept for retry', error);
    if (this.#buffer.length + this.#bufferedEvents.length >= this.#bufferLimit) {
      this.#stats.dropped += 1;
      this.#logOnce('buffer-full', 'retry buffer full: ledger rows are being dropped (counted in "dropped")', error);
    } else {
      this.#buffer.push(call);
    }
    this.#stats.buffered = this.#buffer.length;
    this.#schedule();
  }

  /** Buffers events whose write failed (or drops and counts them); one log line per kind, shared with calls. */
  #eventsFailed(events: CprEvent[], error: unknown): EventsOutcome {
    const kind = this.#countFailure(error);
    if (isPermanent(error)) {
      this.#stats.droppedEvents += events.length;
      this.#logOnce(`${kind}:events`, 'the ledger refused a conversation link or ticket attributes; they are dropped (counted in "droppedEvents")', error);
      return 'dropped';
    }
    this.#logOnce(kind, 'ledger write failed; the LLM call went through and the row is kept for retry', error);
    const room = this.#bufferLimit - this.#buffer.length - this.#bufferedEvents.length;
    if (room < events.length) {
      this.#stats.droppedEvents += events.length;
      this.#logOnce('buffer-full', 'retry buffer full: ledger rows are being dropped (counted in "dropped")', error);
      return 'dropped';
    }
    this.#bufferedEvents.push(...events);
    this.#stats.bufferedEvents = this.#bufferedEvents.length;
    this.#schedule();
    return 'buffered';
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

  /**
   * Commits the calls waiting for the group commit, then retries the buffered rows in order, in
   * transactions of at most 500 rows, each in its own turn of the event loop (10,000 rows never
   * hold it at once); stops at the first failure (a row the ledger refuses for itself is dropped
   * and counted instead). Returns how many remain buffered. Does not wait for another
   * connection's lock unless `wait` is set.
   */
  flush({ wait = false }: { wait?: boolean } = {}): Promise<number> {
    this.#commitPending();
    // One flush at a time: two would write the same rows.
    // An asynchronous ledger's group commits under way first: a report asked for after a flush sees their calls.
    this.#flushing ??= (this.#committing.size === 0 ? this.#flushSlices(wait)
      : Promise.all(this.#committing).then(() => this.#flushSlices(wait))).finally(() => {
      this.#flushing = undefined;
    });
    return this.#flushing;
  }

  async #flushSlices(wait: boolean): Promise<number> {
    let first = true;
    while (this.#degraded()) {
      if (!first) await new Promise((resolve) => setImmediate(resolve));
      first = false;
      const calls = this.#buffer.slice(0, FLUSH_SLICE_ROWS);
      const events = this.#bufferedEvents.slice(0, Math.max(0, FLUSH_SLICE_ROWS - calls.length));
      try {
        await this.#writeSlice(calls, events, wait);
        this.#stats.recorded += calls.length;
        this.#stats.recordedEvents += events.length;
        this.#buffer.splice(0, calls.length);
        this.#bufferedEvents.splice(0, events.length);
      } catch (error) {
        if (!isPermanent(error)) {
          this.#schedule();
          break;
        }
        // A slice refused as a whole: row by row, so that only the refused row is dropped.
        if (!(await this.#retryOneByOne(calls, events, wait))) break;
      }
      if (!this.#degraded()) {
        this.#logger.info('ledger writes recovered; retry buffer flushed', { failuresByKind: this.#stats.failuresByKind });
        this.#loggedKinds.clear();
      }
    }
    this.#stats.buffered = this.#buffer.length;
    this.#stats.bufferedEvents = this.#bufferedEvents.length;
    return this.#buffer.length + this.#bufferedEvents.length;
  }

  async #writeSlice(calls: LlmCall[], events: CprEvent[], wait: boolean): Promise<void> {
    if (this.#ledger.recordBatchSync) return this.#ledger.recordBatchSync({ calls, events }, { wait });
    if (this.#async()) {
      const error = await this.#bounded(this.#ledger.recordBatch!({ calls, events }, { wait }));
      if (error !== undefined) throw error;
      return;
    }
    if (calls.length > 0 && this.#ledger.recordCallsSync) this.#ledger.recordCallsSync(calls, { wait });
    else for (const call of calls) await this.#write(call, wait);
    if (events.length > 0) await this.#writeEvents(events, wait);
  }

  /** Writes a refused slice row by row, dropping (counted, logged) what is refused; false when a transient failure stops it. */
  async #retryOneByOne(calls: LlmCall[], events: CprEvent[], wait: boolean): Promise<boolean> {
    for (const call of calls) {
      try {
        await this.#write(call, wait);
        this.#stats.recorded += 1;
      } catch (error) {
        if (!isPermanent(error)) {
          this.#schedule();
          return false;
        }
        this.#stats.dropped += 1;
        this.#logOnce(kindOf(error), 'the ledger refused a row; it is dropped (counted in "dropped")', error);
      }
      this.#buffer.shift();
    }
    for (const event of events) {
      try {
        await this.#writeEvents([event], wait);
        this.#stats.recordedEvents += 1;
      } catch (error) {
        if (!isPermanent(error)) {
          this.#schedule();
          return false;
        }
        this.#stats.droppedEvents += 1;
        this.#logOnce(`${kindOf(error)}:events`, 'the ledger refused an event; it is dropped (counted in "droppedEvents")', error);
      }
      this.#bufferedEvents.shift();
    }
    return true;
  }

  /** A copy of the counters. */
  stats(): RecorderStats {
    return {
      ...this.#stats, buffered: this.#buffer.length, bufferedEvents: this.#bufferedEvents.length, failuresByKind: { ...this.#stats.failuresByKind },
    };
  }

  /** `degraded` while rows wait for retry. */
  health(): 'ok' | 'degraded' {
    return this.#degraded() ? 'degraded' : 'ok';
  }

  /** Stops retrying after one last flush (which may wait for a lock); rows still waiting are lost, counted and logged. */
  async close(): Promise<void> {
    // Calls waiting for the group commit are committed (or buffered) now, not left to a later turn.
    this.#commitPending();
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    await Promise.all(this.#committing);
    await this.#flushing;
    await this.flush({ wait: true });
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
    const lost = this.#buffer.length;
    const lostEvents = this.#bufferedEvents.length;
    if (lost + lostEvents > 0) {
      this.#stats.dropped += lost;
      this.#stats.droppedEvents += lostEvents;
      this.#buffer.length = 0;
      this.#bufferedEvents = [];
      this.#stats.buffered = 0;
      this.#stats.bufferedEvents = 0;
      this.#logger.error('stopping with ledger rows that could not be written: they are lost', { lost, lostEvents, failuresByKind: this.#stats.failuresByKind });
    }
  }
}

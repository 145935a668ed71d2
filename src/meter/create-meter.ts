import type { RequestHandler } from 'express';
import { resolveServeConfig } from '../config/serve-config.js';
import { missingConversation, tryGetConversation } from '../context/conversation-context.js';
import { ConfigError, ValidationError } from '../errors.js';
import { costTracking, type CostTrackingOptions } from '../express/cost-tracking.js';
import { CallRecorder } from '../ledger/call-recorder.js';
import { startBackgroundCheckpoints } from '../ledger/sqlite/background-checkpoints.js';
import { openSqliteLedger, type SqliteLedger } from '../ledger/sqlite/sqlite-ledger.js';
import { isPostgresUrl } from '../ledger/describe-db.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { PostgresLedger } from '../ledger/postgres/postgres-ledger.js';
import { LedgerError } from '../errors.js';
import { createLogger } from '../logging/logger.js';
import { PriceBook } from '../pricing/price-book.js';
import { loadPriceFile, parsePriceFile } from '../pricing/price-file.js';
import { buildReport } from '../reports/build-report.js';
import type { ReportOptions } from '../reports/report-options.js';
import type { Report } from '../reports/types.js';
import { createCallTelemetry } from '../telemetry/call-telemetry.js';
import { AttributionLinker } from '../tickets/attribution-linker.js';
import type { CprEventInput } from '../tickets/event-schema.js';
import { eventsAnswer, type EventsAnswer } from '../tickets/events-answer.js';
import { validateEvents } from '../tickets/validate-events.js';
import { wrapOpenAI, type OpenAIClient } from '../wrapper/wrap-openai.js';
import type { MeterOptions } from './meter-options.js';

/** Resolves on the next turn of the event loop, after the `setImmediate`s already queued. */
const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

/** Names the ticket an event is about; the current request's conversation when neither is given. */
type TicketTarget = { ticketId?: string; conversationId?: string };
/** Fields every event may carry. */
type EventMeta = { at?: string | Date; eventId?: string };

/** The in-process API: the same ledger, events and reports as the proxy and the CLI. */
export interface Meter {
  /**
   * Stores one event or a batch, validated whole, in one transaction; a repeated `eventId` is
   * skipped (a duplicate, or a conflict when its content differs); unknown fields are named in `warnings`.
   */
  record(events: CprEventInput | CprEventInput[]): Promise<EventsAnswer>;
  /** The report, with the same options and JSON as `cpr-meter report` and `GET /api/report`. */
  report(options?: ReportOptions): Promise<Report>;
  /** Express middleware making each request's conversation current (see `costTracking`); links it to its ticket. */
  middleware(options?: CostTrackingOptions): RequestHandler;
  /** Records the client's calls in this meter's ledger, attributed to the current conversation (or the one given). */
  wrapOpenAI<T extends OpenAIClient>(client: T, options?: { conversationId?: string; ticketId?: string }): T;
  /** The bot handed the ticket to a human. */
  handoff(input?: TicketTarget & EventMeta & { reason?: string; queue?: string; agentId?: string }): Promise<EventsAnswer>;
  /** The ticket was resolved, by the bot (`ai`) or a human. */
  resolve(input: TicketTarget & EventMeta & { by: 'ai' | 'human'; confirmed?: boolean }): Promise<EventsAnswer>;
  /** A human worked `seconds` on the ticket (priced at the hourly rate unless `costUsd` is given). */
  humanWork(input: TicketTarget & EventMeta & { seconds: number; agentId?: string; costUsd?: number }): Promise<EventsAnswer>;
  /** Links a conversation (default: the current one) to a ticket. */
  linkTicket(input: { ticketId: string; conversationId?: string } & EventMeta): Promise<EventsAnswer>;
  /** The settings in force, resolved from options, environment and defaults; `humanHourlyRate` when one was given (it is stored in the ledger). */
  readonly config: { readonly db: string; readonly humanHourlyRate: number | undefined };
  /** The SQLite ledger; throws a `LedgerError` when the ledger is PostgreSQL (see `store`). */
  readonly ledger: SqliteLedger;
  /** The ledger, SQLite or PostgreSQL, through the one contract. */
  readonly store: Ledger;
  readonly recorder: CallRecorder;
  readonly prices: PriceBook;
  /** Flushes pending rows and closes the ledger. */
  close(): Promise<void>;
}

/**
 * Opens a meter on a ledger file shared with `cpr-meter serve`.
 *
 * @example
 * const meter = createMeter({ db: './cpr-meter.db' });
 * app.use(meter.middleware());
 * const openai = meter.wrapOpenAI(new OpenAI());
 * // in a handler: await openai.chat.completions.create(...); await meter.resolve({ by: 'ai' });
 */
export function createMeter(options: MeterOptions = {}): Meter {
  const env = options.env ?? process.env;
  const config = resolveServeConfig(
    { db: options.db, prices: typeof options.prices === 'string' ? options.prices : undefined, humanHourlyRate: options.humanHourlyRate,
      dbPoolSize: options.dbPoolSize, commitWaitMs: options.commitWaitMs },
    { CPR_DB: env.CPR_DB, CPR_PRICES: env.CPR_PRICES, CPR_HUMAN_HOURLY_RATE: env.CPR_HUMAN_HOURLY_RATE,
      CPR_DB_POOL_SIZE: env.CPR_DB_POOL_SIZE, CPR_COMMIT_WAIT_MS: env.CPR_COMMIT_WAIT_MS },
  );
  const { commitDelayMs = 100 } = options;
  if (!Number.isFinite(commitDelayMs) || commitDelayMs < 0) {
    throw new ConfigError(`commitDelayMs must be a number of milliseconds, 0 or more (got ${String(commitDelayMs)}).`, { option: 'commitDelayMs' });
  }
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const overrides = typeof options.prices === 'object' ? parsePriceFile(options.prices, 'prices') : config.prices ? loadPriceFile(config.prices) : undefined;
  const prices = new PriceBook({ overrides, logger });
  // A PostgreSQL ledger connects (and migrates) on first use: createMeter stays synchronous, and
  // an application started while the server is down records its calls once it is back.
  const sqlite = isPostgresUrl(config.db) ? undefined : openSqliteLedger({ path: config.db });
  const ledger: Ledger = sqlite ?? new PostgresLedger({ url: config.db, poolSize: config.dbPoolSize, logger });
  // The rate belongs to the ledger (since always when it has none, from now when it differs), so
  // that `cpr-meter report` and `serve` on the same file use it too.
  const rate = config.humanHourlyRate === undefined ? undefined : { name: 'human-hourly-rate', value: config.humanHourlyRate, now: now() } as const;
  if (sqlite !== undefined && rate !== undefined) sqlite.adoptSettingSync(rate);
  // PostgreSQL: reports wait for it; a server not reached leaves the ledger's rate as it is, said once.
  const adopting = sqlite !== undefined || rate === undefined ? Promise.resolve() : ledger.adoptSetting(rate).then(() => {}, (error: unknown) =>
    logger.warn('the human hourly rate could not be stored in the ledger; its rates stand', { error: (error as Error).message }));
  // WAL checkpoints (a copy and two fsyncs) run on a worker thread, never in the application's turns.
  const checkpoints = sqlite === undefined || config.db === ':memory:' ? undefined : startBackgroundCheckpoints({ db: sqlite.db, path: config.db, logger });
  // Calls made one after another share a transaction: a commit per call would cost more than all the rest of recording.
  const recorder = new CallRecorder({ ledger, logger, groupCommit: { maxDelayMs: commitDelayMs }, commitWaitMs: config.commitWaitMs });
  recorder.onCall(createCallTelemetry());
  const linker = new AttributionLinker({ sink: recorder });

  async function record(events: unknown): Promise<EventsAnswer> {
    const result = validateEvents(events, { now });
    if (!result.ok) throw new ValidationError(result.error.message, { field: result.error.field, index: result.error.index });
    const batch = Array.isArray(events);
    return eventsAnswer({ stored: await ledger.recordEvents(result.events), warnings: result.warnings, position: (i) => (batch ? i : null) });
  }

  /**
   * Writes every call answered so far: a wrapped call hands its row to the recorder on the turn
   * after its answer was handed back (so that the caller never waits for the ledger), and the
   * recorder holds it for its group commit. Without the turn, a report asked for right after an
   * awaited call would miss that call.
   */
  async function writeAnswered(): Promise<void> {
    await nextTurn();
    await recorder.flush();
  }

  /** The explicit target, else the current request's conversation; an error naming what to pass when there is neither. */
  function target(input: TicketTarget, helper: string): TicketTarget {
    if (input.ticketId !== undefined) return { ticketId: input.ticketId };
    const conversationId = input.conversationId ?? tryGetConversation()?.conversationId;
    if (conversationId === undefined) {
      const missing = missingConversation();
      throw new ValidationError(missing === undefined
        ? `meter.${helper}() needs a ticketId or conversationId outside a request tracked by meter.middleware().`
        : `meter.${helper}() was called in a request tracked by meter.middleware() that names no conversation (${missing}). Pass a ticketId or conversationId, or make the request name its conversation.`,
      { field: 'ticketId' });
    }
    return { conversationId };
  }

  return {
    config: { db: config.db, humanHourlyRate: config.humanHourlyRate },
    get ledger(): SqliteLedger {
      if (sqlite === undefined) throw new LedgerError(`The ledger at ${ledger.description} is PostgreSQL: use \`store\`.`, { path: ledger.description });
      return sqlite;
    },
    store: ledger, recorder, prices,
    record: (events) => record(events),
    report: async (reportOptions = {}) => {
      // The calls answered so far, still waiting for their group commit, are in the report.
      await writeAnswered();
      await adopting;
      return buildReport(ledger, { options: reportOptions, now });
    },
    middleware: (middlewareOptions = {}) =>
      costTracking({
        ...middlewareOptions,
        onContext(ctx, req) {
          linker.link({ conversationId: ctx.conversationId, ticketId: ctx.ticketId ?? null, customerId: ctx.customerId ?? null, channel: ctx.channel ?? null, category: ctx.category ?? null }, now());
          middlewareOptions.onContext?.(ctx, req);
        },
      }),
    wrapOpenAI: (client, wrapOptions = {}) =>
      wrapOpenAI(client, { recorder, prices, now, ...wrapOptions, onAttribution: (attribution, at) => linker.link(attribution, at) }),
    handoff: async ({ ticketId, conversationId, ...rest } = {}) => record({ type: 'handoff', ...target({ ticketId, conversationId }, 'handoff'), ...rest }),
    resolve: async ({ ticketId, conversationId, ...rest }) => record({ type: 'ticket.resolved', ...target({ ticketId, conversationId }, 'resolve'), ...rest }),
    humanWork: async ({ ticketId, conversationId, ...rest }) => record({ type: 'human.work', ...target({ ticketId, conversationId }, 'humanWork'), ...rest }),
    linkTicket: async ({ ticketId, conversationId, ...rest }) => {
      const conversation = target({ conversationId }, 'linkTicket').conversationId!;
      return record({ type: 'conversation.linked', conversationId: conversation, ticketId, ...rest });
    },
    async close() {
      await nextTurn();
      await recorder.close();
      await checkpoints?.stop();
      await ledger.close();
    },
  };
}

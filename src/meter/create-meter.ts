import type OpenAI from 'openai';
import type { RequestHandler } from 'express';
import { resolveServeConfig } from '../config/serve-config.js';
import { tryGetConversation } from '../context/conversation-context.js';
import { ConfigError, ValidationError } from '../errors.js';
import { costTracking, type CostTrackingOptions } from '../express/cost-tracking.js';
import { CallRecorder } from '../ledger/call-recorder.js';
import { startBackgroundCheckpoints } from '../ledger/sqlite/background-checkpoints.js';
import { openSqliteLedger, type SqliteLedger } from '../ledger/sqlite/sqlite-ledger.js';
import type { RecordEventsResult } from '../ledger/ticket-ledger.js';
import { createLogger } from '../logging/logger.js';
import { PriceBook } from '../pricing/price-book.js';
import { loadPriceFile, parsePriceFile } from '../pricing/price-file.js';
import { buildReport } from '../reports/build-report.js';
import type { ReportOptions } from '../reports/report-options.js';
import type { Report } from '../reports/types.js';
import { createCallTelemetry } from '../telemetry/call-telemetry.js';
import { AttributionLinker } from '../tickets/attribution-linker.js';
import type { CprEventInput } from '../tickets/event-schema.js';
import { validateEvents } from '../tickets/validate-events.js';
import { wrapOpenAI } from '../wrapper/wrap-openai.js';
import type { MeterOptions } from './meter-options.js';

/** Names the ticket an event is about; the current request's conversation when neither is given. */
type TicketTarget = { ticketId?: string; conversationId?: string };
/** Fields every event may carry. */
type EventMeta = { at?: string | Date; eventId?: string };

/** The in-process API: the same ledger, events and reports as the proxy and the CLI. */
export interface Meter {
  /** Stores one event or a batch, validated whole, in one transaction; duplicate `eventId`s are skipped. */
  record(events: CprEventInput | CprEventInput[]): Promise<RecordEventsResult>;
  /** The report, with the same options and JSON as `cpr-meter report` and `GET /api/report`. */
  report(options?: ReportOptions): Promise<Report>;
  /** Express middleware making each request's conversation current (see `costTracking`); links it to its ticket. */
  middleware(options?: CostTrackingOptions): RequestHandler;
  /** Records the client's calls in this meter's ledger, attributed to the current conversation (or the one given). */
  wrapOpenAI<T extends OpenAI>(client: T, options?: { conversationId?: string; ticketId?: string }): T;
  /** The bot handed the ticket to a human. */
  handoff(input?: TicketTarget & EventMeta & { reason?: string; queue?: string; agentId?: string }): Promise<RecordEventsResult>;
  /** The ticket was resolved, by the bot (`ai`) or a human. */
  resolve(input: TicketTarget & EventMeta & { by: 'ai' | 'human'; confirmed?: boolean }): Promise<RecordEventsResult>;
  /** A human worked `seconds` on the ticket (priced at the hourly rate unless `costUsd` is given). */
  humanWork(input: TicketTarget & EventMeta & { seconds: number; agentId?: string; costUsd?: number }): Promise<RecordEventsResult>;
  /** Links a conversation (default: the current one) to a ticket. */
  linkTicket(input: { ticketId: string; conversationId?: string } & EventMeta): Promise<RecordEventsResult>;
  /** The settings in force, resolved from options, environment and defaults. */
  readonly config: { readonly db: string; readonly humanHourlyRate: number };
  readonly ledger: SqliteLedger;
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
    { db: options.db, prices: typeof options.prices === 'string' ? options.prices : undefined, humanHourlyRate: options.humanHourlyRate },
    { CPR_DB: env.CPR_DB, CPR_PRICES: env.CPR_PRICES, CPR_HUMAN_HOURLY_RATE: env.CPR_HUMAN_HOURLY_RATE },
  );
  const { commitDelayMs = 100 } = options;
  if (!Number.isFinite(commitDelayMs) || commitDelayMs < 0) {
    throw new ConfigError(`commitDelayMs must be a number of milliseconds, 0 or more (got ${String(commitDelayMs)}).`, { option: 'commitDelayMs' });
  }
  const now = options.now ?? Date.now;
  const logger = options.logger ?? createLogger({ level: 'warn' });
  const overrides = typeof options.prices === 'object' ? parsePriceFile(options.prices, 'prices') : config.prices ? loadPriceFile(config.prices) : undefined;
  const prices = new PriceBook({ overrides, logger });
  const ledger = openSqliteLedger({ path: config.db });
  // WAL checkpoints (a copy and two fsyncs) run on a worker thread, never in the application's turns.
  const checkpoints = config.db === ':memory:' ? undefined : startBackgroundCheckpoints({ db: ledger.db, path: config.db, logger });
  // Calls made one after another share a transaction: a commit per call would cost more than all the rest of recording.
  const recorder = new CallRecorder({ ledger, logger, groupCommit: { maxDelayMs: commitDelayMs } });
  recorder.onCall(createCallTelemetry());
  const linker = new AttributionLinker({ ledger, logger });

  async function record(events: unknown): Promise<RecordEventsResult> {
    const result = validateEvents(events, { now });
    if (!result.ok) throw new ValidationError(result.error.message, { field: result.error.field, index: result.error.index });
    return ledger.recordEvents(result.events);
  }

  /** The explicit target, else the current request's conversation; an error naming what to pass when there is neither. */
  function target(input: TicketTarget, helper: string): TicketTarget {
    if (input.ticketId !== undefined) return { ticketId: input.ticketId };
    const conversationId = input.conversationId ?? tryGetConversation()?.conversationId;
    if (conversationId === undefined) {
      throw new ValidationError(`meter.${helper}() needs a ticketId or conversationId outside a request tracked by meter.middleware().`, { field: 'ticketId' });
    }
    return { conversationId };
  }

  return {
    config: { db: config.db, humanHourlyRate: config.humanHourlyRate },
    ledger, recorder, prices,
    record: (events) => record(events),
    report: async (reportOptions = {}) => {
      // The calls recorded so far, still waiting for their group commit, are in the report.
      await recorder.flush();
      return buildReport(ledger, { options: reportOptions, humanHourlyRate: config.humanHourlyRate, now });
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
      // One turn first: calls answered before close() hand their rows to the recorder on the next turn.
      await new Promise((resolve) => setImmediate(resolve));
      await recorder.close();
      await checkpoints?.stop();
      await ledger.close();
    },
  };
}

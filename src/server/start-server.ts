import { existsSync, rmSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { resolveServeConfig, type ServeConfig, type ServeOptions } from '../config/serve-config.js';
import { upstreamListWarnings } from '../config/upstream-url-warnings.js';
import { CallRecorder } from '../ledger/call-recorder.js';
import { startBackgroundCheckpoints, type BackgroundCheckpoints } from '../ledger/sqlite/background-checkpoints.js';
import { DeferredLedger, isTransientOpenFailure } from '../ledger/sqlite/deferred-ledger.js';
import { startReportThread } from '../ledger/sqlite/report-thread.js';
import { startEventThread, type EventThread } from '../ledger/sqlite/event-thread.js';
import { BodyMemory } from './body-memory.js';
import type { TicketLedger } from '../ledger/ticket-ledger.js';
import { openSqliteLedger, type SqliteLedger } from '../ledger/sqlite/sqlite-ledger.js';
import { describeDb, isPostgresUrl } from '../ledger/describe-db.js';
import type { Ledger } from '../ledger/open-ledger.js';
import { openPostgresLedger, PostgresLedger } from '../ledger/postgres/postgres-ledger.js';
import { checkLedgerFile } from '../ledger/sqlite/check-ledger-file.js';
import { createLogger, type Logger } from '../logging/logger.js';
import { PriceBook } from '../pricing/price-book.js';
import { loadPriceFile, parsePriceFile } from '../pricing/price-file.js';
import type { PriceFile } from '../pricing/types.js';
import { createProxyHandler } from '../proxy/proxy-handler.js';
import { UpstreamHealth } from '../proxy/upstream-health.js';
import { UpstreamRegistry } from '../proxy/upstream-registry.js';
import { matchRoute } from '../proxy/routes.js';
import { sendError } from '../proxy/send-error.js';
import { CprError, LedgerError } from '../errors.js';
import express from 'express';
import { createApiRouter } from '../api/create-api-router.js';
import { dashboardHandler } from '../dashboard/dashboard-handler.js';
import { createSqliteTicketExplorer } from '../ledger/sqlite/sqlite-ticket-explorer.js';
import { AttributionLinker } from '../tickets/attribution-linker.js';
import { healthHandler } from './health.js';
import { listenError } from './listen-error.js';
import { createCallTelemetry } from '../telemetry/call-telemetry.js';
import { observeRecorder } from '../telemetry/recorder-metrics.js';
import { loadHelpdeskSettings, resolveHelpdeskSettings, type HelpdeskSettings } from '../helpdesks/helpdesk-config.js';
import { createHelpdeskWebhooks, type HelpdeskWebhooks } from '../helpdesks/helpdesk-webhooks.js';

/** Options of {@link startServer}: the serve options plus what tests and embedders inject. */
export interface StartServerOptions extends ServeOptions {
  /** Environment to read options from. Default `process.env`. */
  env?: Record<string, string | undefined>;
  logger?: Logger;
  /** Price overrides as an object (instead of, or on top of, `prices` as a file). */
  priceOverrides?: PriceFile;
  /** Clock, ms since the epoch. */
  now?: () => number;
  /** Helpdesk configuration as an object (instead of `helpdesks` as a file); secrets still come from `env`. */
  helpdeskSettings?: unknown;
}

/** A running cpr-meter server. */
export interface CprServer {
  /** `http://host:port`. */
  url: string;
  port: number;
  config: ServeConfig;
  server: Server;
  /**
   * The SQLite ledger. While `serve` runs degraded because it could not open it (a full or
   * read-only volume), or when the ledger is PostgreSQL (see `store`), reading it throws a `LedgerError`.
   */
  ledger: SqliteLedger;
  /** The ledger, SQLite or PostgreSQL, through the one contract; throws as `ledger` does while a SQLite file is not open. */
  store: Ledger;
  recorder: CallRecorder;
  prices: PriceBook;
  /** The helpdesk webhook connectors; `undefined` when no helpdesk is configured. */
  webhooks: HelpdeskWebhooks | undefined;
  /**
   * Stores events off the server's thread (what `POST /api/events` uses): for anything else on
   * the server that posts events (helpdesk webhooks). `undefined` on a `:memory:` ledger, where
   * `ledger.recordEvents` is the way.
   */
  events: EventThread | undefined;
  /** The request-body bytes held now, of `config.maxBodyMemoryBytes`. */
  bodyMemory: BodyMemory;
  /**
   * Stops accepting, lets in-flight requests finish (cut after `graceMs`, default
   * `config.shutdownGraceMs`, 10 s), flushes the retry buffer and closes the ledger.
   */
  close(options?: { graceMs?: number }): Promise<void>;
}

class NotFoundError extends CprError {
  override name = 'NotFoundError' as const;
  override readonly status = 404;
  override readonly type = 'invalid_request_error';
}

/**
 * Starts the proxy and its API on one HTTP server.
 *
 * @example
 * const cpr = await startServer({ port: 0, db: './cpr.db', upstream: 'http://127.0.0.1:9000/v1' });
 * // new OpenAI({ baseURL: `${cpr.url}/v1` })
 */
export async function startServer(options: StartServerOptions = {}): Promise<CprServer> {
  const config = resolveServeConfig(options, options.env ?? process.env);
  const helpdesks = helpdeskSettingsOf(options, config.helpdesks);
  const logger = options.logger ?? createLogger({ level: config.logLevel });
  for (const warning of upstreamListWarnings(config)) logger.warn(warning.message, { option: warning.option, url: warning.url });
  const overrides = mergeOverrides(config.prices ? loadPriceFile(config.prices) : undefined, options.priceOverrides);
  const prices = new PriceBook({ overrides, logger });
  const postgres = isPostgresUrl(config.db);
  // A SQLite file (not `:memory:`): the threads, checkpoints and file checks are for those.
  const sqliteFile = !postgres && config.db !== ':memory:';
  const ledgerCreated = sqliteFile && !existsSync(config.db);
  if (!ledgerCreated && sqliteFile) {
    try {
      checkLedgerFile(config.db);
    } catch (error) {
      // A full or read-only volume cannot be read to tell; the open below serves degraded meanwhile.
      if (!isTransientOpenFailure(error)) throw error;
    }
  }
  // The SDK (when --otel asks for one) must be registered before the instruments are made.
  const telemetry = config.otel ? await (await import('../telemetry/start-telemetry.js')).startTelemetry() : undefined;
  const open = () => openSqliteLedger({ path: config.db, busyTimeoutMs: config.busyTimeoutMs });
  let checkpoints: BackgroundCheckpoints | undefined;
  const opened = (ready: SqliteLedger) => {
    // WAL checkpoints (a copy and two fsyncs) run on a worker thread, never between two requests.
    checkpoints = config.db === ':memory:' ? undefined : startBackgroundCheckpoints({ db: ready.db, path: config.db, logger });
  };
  let ledger: SqliteLedger | DeferredLedger | PostgresLedger;
  if (postgres) ledger = await openServedPostgres(config, logger);
  else try {
    ledger = open();
    opened(ledger);
  } catch (error) {
    // A full or read-only volume (or a lock held through the migrations): serve anyway, as when
    // the volume fills while running. Rows wait for retry; each retry tries to open the ledger.
    if (!isTransientOpenFailure(error)) throw error;
    ledger = new DeferredLedger({
      open, error,
      onOpen: (ready) => {
        opened(ready);
        logger.info('the ledger opened; the rows waiting for it are written now', { db: config.db });
      },
    });
    logger.error('cannot open the ledger: serving LLM calls in degraded mode, their rows kept for retry (see /healthz)',
      { db: config.db, error: (error as Error).message });
  }
  const deferred = ledger instanceof DeferredLedger ? ledger : undefined;
  const pgLedger = ledger instanceof PostgresLedger ? ledger : undefined;
  const sqlite = ledger instanceof DeferredLedger || ledger instanceof PostgresLedger ? undefined : ledger;
  const now = options.now ?? Date.now;
  if (config.humanHourlyRate !== undefined) {
    // The rate belongs to the ledger, so that `cpr-meter report` on the same file uses it too.
    // (A ledger that cannot be opened now keeps the rate it has: the start line says degraded.)
    const rate = { name: 'human-hourly-rate', value: config.humanHourlyRate, now: now() } as const;
    const adopted = sqlite?.adoptSettingSync(rate) ?? await pgLedger?.adoptSetting(rate).catch(() => null) ?? null;
    if (adopted !== null) logger.info('the ledger\'s human hourly rate is set', { usdPerHour: adopted.value,
      from: adopted.effectiveFrom === null ? 'always' : new Date(adopted.effectiveFrom).toISOString() });
  }
  // Calls that finish in the same turn of the event loop share one SQLite transaction: under
  // concurrent load a commit per call would cost more than all the rest of the proxy's work.
  const recorder = new CallRecorder({ ledger, logger, groupCommit: true, commitWaitMs: config.commitWaitMs });
  // Spans and metrics go through @opentelemetry/api: an embedding application's own SDK gets
  // them too; with no SDK registered they cost next to nothing.
  recorder.onCall(createCallTelemetry({ serverAddress: serverAddressOf(config) }));
  observeRecorder(recorder);
  const dispatcher = new Agent({ keepAliveTimeout: 30_000, connections: 256 });
  // Conversation links go through the recorder: in the calls' transaction, failing open as calls do.
  const linker = new AttributionLinker({ sink: recorder });
  const upstreams = new UpstreamRegistry({
    upstreams: config.upstreams,
    anthropic: { url: config.anthropicUpstream, provider: config.anthropicUpstreamProvider, apiKey: config.anthropicUpstreamApiKey },
  });
  const upstreamHealth = new UpstreamHealth({ urls: upstreams.urls(), logger, now });
  // The request bodies held at once, across all requests, are capped.
  const bodyMemory = new BodyMemory(config.maxBodyMemoryBytes);
  const proxy = createProxyHandler({
    onAttribution: (attribution, at) => linker.link(attribution, at),
    upstreams,
    proxyToken: config.proxyToken,
    recorder, prices, logger, dispatcher, now,
    maxBodyBytes: config.maxBodyBytes,
    bodyMemory, bodyTimeoutMs: config.bodyTimeoutMs,
    upstreamTimeoutMs: config.upstreamTimeoutMs,
    upstreamHealth,
  });
  const health = healthHandler({ ledger, recorder, upstreams: upstreamHealth });
  const api = express().disable('x-powered-by');
  // Reports are read, and event batches parsed and stored, on threads of their own: the proxy's
  // thread never waits for either. Their connections may wait longer for a lock than the proxy's.
  const threadBusyTimeoutMs = Math.max(config.busyTimeoutMs, 5_000);
  // (PostgreSQL computes reports in the server, and its writes never hold the event loop: no threads.)
  const reports = !sqliteFile ? undefined : startReportThread({ path: config.db, busyTimeoutMs: threadBusyTimeoutMs, logger });
  const events = !sqliteFile ? undefined : startEventThread({ path: config.db, busyTimeoutMs: threadBusyTimeoutMs, logger });
  const apiLedger: TicketLedger = reports === undefined || events === undefined ? ledger
    : { recordEvents: (batch) => events.recordEvents(batch), reportInput: (options) => reports.reportInput(options) };
  // Webhook deliveries are stored on the proxy's connection without ever waiting for its lock
  // (they are buffered instead); on PostgreSQL through the ledger's contract, a pooled
  // transaction each (503 while it cannot be reached: the helpdesk redelivers). A SQLite ledger
  // that could not be opened at start leaves them off.
  const webhookStore = sqlite !== undefined ? { db: sqlite.db, busyTimeoutMs: config.busyTimeoutMs }
    // Half the pool at most for webhooks: the proxy's commits keep the other half through a burst.
    : pgLedger !== undefined ? { ledger: pgLedger, maxConcurrentWrites: Math.max(1, Math.floor(config.dbPoolSize / 2)) } : undefined;
  const webhooks = helpdesks === undefined ? undefined : webhookStore === undefined ? disabledWebhooks(logger)
    : createHelpdeskWebhooks({ settings: helpdesks, store: webhookStore, adminToken: config.adminToken, logger, now,
      bodyMemory, bodyTimeoutMs: config.bodyTimeoutMs });
  if (webhooks) api.use('/api/helpdesks', webhooks.apiRouter);
  // The dashboard's ticket pages and timelines are read on the report thread too. Human work is
  // priced at the ledger's rates (serve's --human-hourly-rate was written to them above).
  const explorer = reports ?? pgLedger ?? (sqlite === undefined ? undefined : createSqliteTicketExplorer(sqlite.db));
  api.use('/api', createApiRouter({ ledger: apiLedger, adminToken: config.adminToken,
    humanBaselineCprUsd: config.humanBaselineCprUsd, now,
    maxBodyBytes: config.maxBodyBytes, events, bodyMemory, bodyTimeoutMs: config.bodyTimeoutMs, explorer }));
  const dashboard = dashboardHandler();

  // Proxied requests still running: a stop waits for them to record their call (even a cut one)
  // before it closes the ledger.
  const inFlight = new Set<Promise<void>>();
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const url = req.url ?? '/';
    if (url === '/healthz' || url.startsWith('/healthz?')) return void health(req, res);
    if (webhooks !== undefined && url.startsWith('/webhooks/')) return void webhooks.handle(req, res);
    const route = matchRoute(req.method ?? 'GET', url, req.headers);
    if (route) {
      const handled = proxy(req, res, route);
      inFlight.add(handled);
      return void handled.finally(() => inFlight.delete(handled));
    }
    if (url === '/api' || url.startsWith('/api/') || url.startsWith('/api?')) return void api(req, res);
    if (dashboard(req, res)) return;
    sendError(res, new NotFoundError(`No route for ${req.method} ${url.split('?')[0]}. The proxy serves /v1/..., Gemini's /v1beta/..., Azure's /openai/..., each also after /u/{upstream} and /c/{conversationId}; the dashboard is at /dashboard.`));
  });
  server.keepAliveTimeout = 65_000;
  // Everything opened above, closed in reverse order (also when the port cannot be had: the
  // threads and timers left open would keep the process running, not listening).
  const release = async () => {
    await recorder.close();
    webhooks?.close();
    await dispatcher.close();
    await reports?.stop();
    await events?.stop();
    await checkpoints?.stop();
    await ledger.close();
    await telemetry?.shutdown();
  };
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(config.port, config.host, () => resolve());
    });
  } catch (error) {
    // The reason it did not start is what the user must read; a failure to clean up is only logged.
    await release().catch((cause: unknown) => logger.warn('closing after a failed start failed', { error: (cause as Error).message }));
    // A ledger this start created, empty, is not left behind by a start that failed.
    if (ledgerCreated) for (const suffix of ['', '-wal', '-shm']) rmSync(`${config.db}${suffix}`, { force: true });
    throw listenError(error, { host: config.host, port: config.port });
  }
  const { port } = server.address() as AddressInfo;
  const host = config.host.includes(':') ? `[${config.host}]` : config.host;
  logger.info('cpr-meter listening', {
    url: `http://${host}:${port}`, db: describeDb(config.db), ledger: postgres ? 'postgres' : ledgerCreated ? 'created' : 'existing',
    upstream: config.upstream, anthropicUpstream: config.anthropicUpstream,
    ...(config.upstreams.length > 1 ? { upstreams: Object.fromEntries(config.upstreams.map((u) => [u.name, u.url])) } : {}),
  });

  const sqliteLedger = (): SqliteLedger => {
    if (pgLedger !== undefined) throw new LedgerError(`The ledger at ${pgLedger.description} is PostgreSQL: use \`store\`.`, { path: pgLedger.description });
    const current = sqlite ?? deferred?.opened;
    if (current === undefined) throw new LedgerError(`The ledger at ${config.db} is not open (see /healthz).`, { path: config.db });
    return current;
  };
  return {
    url: `http://${host}:${port}`,
    port, config, server, recorder, prices, events, bodyMemory, webhooks,
    get ledger(): SqliteLedger {
      return sqliteLedger();
    },
    get store(): Ledger {
      return pgLedger ?? sqliteLedger();
    },
    async close({ graceMs = config.shutdownGraceMs } = {}) {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      // Keep-alive connections become idle as their last response ends: close them as they do,
      // and cut whatever is still running at the deadline.
      server.closeIdleConnections();
      const sweep = setInterval(() => server.closeIdleConnections(), 25);
      const deadline = setTimeout(() => server.closeAllConnections(), graceMs);
      await closed;
      clearInterval(sweep);
      clearTimeout(deadline);
      await Promise.allSettled(inFlight);
      await release();
    },
  };
}

function serverAddressOf(config: ServeConfig) {
  const address = (base: string) => {
    const url = new URL(base);
    return { address: url.hostname, port: Number(url.port) || (url.protocol === 'https:' ? 443 : 80) };
  };
  const byName = new Map(config.upstreams.map((u) => [u.name, address(u.url)]));
  const openai = address(config.upstream);
  const anthropic = address(config.anthropicUpstream);
  byName.set('anthropic', anthropic);
  return (call: { provider: string; upstream?: string | null }) =>
    (call.upstream ? byName.get(call.upstream) : undefined) ?? (call.provider === 'anthropic' ? anthropic : openai);
}

/** The helpdesk settings, from the object given or the `--helpdesks` file; `undefined` when neither. */
function helpdeskSettingsOf(options: StartServerOptions, file: string | undefined): HelpdeskSettings | undefined {
  const env = options.env ?? process.env;
  if (options.helpdeskSettings !== undefined) return resolveHelpdeskSettings(options.helpdeskSettings, env);
  return file === undefined ? undefined : loadHelpdeskSettings(file, env);
}

function mergeOverrides(file: PriceFile | undefined, object: PriceFile | undefined): PriceFile | undefined {
  if (!file && !object) return undefined;
  return { models: { ...file?.models, ...(object ? parsePriceFile(object, 'priceOverrides').models : {}) } };
}

/**
 * Opens the PostgreSQL ledger `serve` writes to. A server that cannot be reached does not stop
 * `serve`: it starts degraded, as with a SQLite file it cannot open, and the ledger connects
 * (and migrates) on the first write that finds the server back.
 */
async function openServedPostgres(config: ServeConfig, logger: Logger): Promise<PostgresLedger> {
  const ledger = await openPostgresLedger({ url: config.db, poolSize: config.dbPoolSize, lazy: true, logger });
  await ledger.ready().catch((error: unknown) => logger.error(
    'cannot reach the PostgreSQL ledger: serving LLM calls in degraded mode, their rows kept for retry (see /healthz)',
    { db: ledger.description, error: (error as Error).message }));
  return ledger;
}

/** Helpdesk webhooks when the SQLite ledger could not be opened at start: none, and one log line that says so. */
function disabledWebhooks(logger: Logger): undefined {
  logger.error('helpdesk webhooks are off until a restart: the ledger could not be opened at start (see /healthz); '
    + 'the helpdesks retry their deliveries');
  return undefined;
}

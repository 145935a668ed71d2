import { ConfigError } from '../errors.js';
import type { LogLevel } from '../logging/logger.js';
import { PROVIDER_ID, upstreamProviderOf } from '../pricing/upstream-provider.js';

/**
 * Options of `cpr-meter serve` and {@link startServer}. Each is resolved in one place, in this
 * order: the option, then its environment variable, then the default.
 */
export interface ServeOptions {
  /** Port to listen on. Env `CPR_PORT`. Default 8787 (0 picks a free port). */
  port?: number | string;
  /** Interface to listen on. Env `CPR_HOST`. Default `127.0.0.1`; any other needs an admin token. */
  host?: string;
  /**
   * The ledger: a SQLite file, or a `postgres://` / `postgresql://` URL (TLS options in the URL,
   * e.g. `?sslmode=require`) for a fleet sharing one PostgreSQL. Env `CPR_DB`. Default `./cpr-meter.db`.
   */
  db?: string;
  /** PostgreSQL ledger: connections in this process's pool. Env `CPR_DB_POOL_SIZE`. Default 10. */
  dbPoolSize?: number | string;
  /**
   * PostgreSQL ledger: the longest a call's response waits for its row's commit, ms; past it the
   * row goes to the retry buffer and the response ends. Env `CPR_COMMIT_WAIT_MS`. Default 500.
   */
  commitWaitMs?: number | string;
  /** OpenAI-compatible upstream, `/v1` included. Env `CPR_UPSTREAM_URL`. Default `https://api.openai.com/v1`. */
  upstream?: string;
  /** Anthropic upstream. Env `CPR_ANTHROPIC_UPSTREAM_URL`. Default `https://api.anthropic.com`. */
  anthropicUpstream?: string;
  /**
   * The company whose API the OpenAI-compatible upstream is (`groq`, `openrouter`, `x-ai`...), for
   * its prices. Env `CPR_UPSTREAM_PROVIDER`. Default: matched from the upstream URL.
   */
  upstreamProvider?: string;
  /** Price-override JSON file. Env `CPR_PRICES`. Default: none (bundled prices only). */
  prices?: string;
  /** Replaces the clients' credentials upstream. Env `CPR_UPSTREAM_API_KEY`. Default: none (clients' keys pass through). */
  upstreamApiKey?: string;
  /** Client token the proxy requires; mandatory with an upstream key. Env `CPR_PROXY_TOKEN`. */
  proxyToken?: string;
  /** Bearer token every `/api/` route requires. Env `CPR_ADMIN_TOKEN`. Default: none (loopback only). */
  adminToken?: string;
  /**
   * Fully loaded cost of a human agent hour, USD, stored in the ledger (see `valueToAdopt`): since
   * always when the ledger has no rate, from now on when its rate in effect differs. Env
   * `CPR_HUMAN_HOURLY_RATE`. Default: none given, the ledger's rates (40 until one is set).
   */
  humanHourlyRate?: number | string;
  /**
   * Human cost per resolution before the bot, USD: what the reports' savings are estimated
   * against unless a request gives its own. Env `CPR_HUMAN_BASELINE_CPR`. Default: none (each
   * report uses its window's human-only CPR).
   */
  humanBaselineCpr?: number | string;
  /** Largest request body accepted, bytes. Env `CPR_MAX_BODY_BYTES`. Default 33,554,432 (32 MiB). */
  maxBodyBytes?: number | string;
  /** Longest wait for upstream headers, and between body chunks, ms. Env `CPR_UPSTREAM_TIMEOUT_MS`. Default 600,000. */
  upstreamTimeoutMs?: number | string;
  /** Emit OpenTelemetry spans and metrics through the SDK. Env `CPR_OTEL` (`1`/`true`). Default false. */
  otel?: boolean;
  /** Env `CPR_LOG_LEVEL`. Default `info`. */
  logLevel?: LogLevel;
  /**
   * On SIGTERM/SIGINT, how long in-flight requests may run before their connections are cut, ms.
   * Env `CPR_SHUTDOWN_GRACE_MS`. Default 10,000.
   */
  shutdownGraceMs?: number | string;
  /**
   * How long a ledger write waits for another process's lock (`ingest`, `prune`…) before the row
   * goes to the retry buffer, ms. The wait holds the proxy's event loop, so it is short: a lock
   * held longer costs nothing but a retry. Env `CPR_BUSY_TIMEOUT_MS`. Default 100.
   */
  busyTimeoutMs?: number | string;
  /**
   * Bytes of request bodies held in memory at once, all requests together; a body that would
   * pass it is refused with a 503. Env `CPR_MAX_BODY_MEMORY_BYTES`. Default 268,435,456 (256 MiB).
   */
  maxBodyMemoryBytes?: number | string;
  /** An upload that sends no byte for this long is cut (408), ms. Env `CPR_BODY_TIMEOUT_MS`. Default 10,000. */
  bodyTimeoutMs?: number | string;
  /**
   * Helpdesk webhook configuration, a JSON file (see the README's "Helpdesk webhooks"): which of
   * `/webhooks/zendesk`, `/intercom`, `/hubspot`, `/freshdesk` are enabled, and how each maps.
   * Env `CPR_HELPDESKS`. Default: none (no webhook endpoint).
   */
  helpdesks?: string;
}

/** Every option resolved. */
export interface ServeConfig {
  port: number;
  host: string;
  db: string;
  dbPoolSize: number;
  commitWaitMs: number;
  upstream: string;
  anthropicUpstream: string;
  /** The upstream's provider; `null` when neither set nor matched from its URL. */
  upstreamProvider: string | null;
  /** The Anthropic upstream's provider, matched from its URL. */
  anthropicUpstreamProvider: string | null;
  prices: string | undefined;
  upstreamApiKey: string | undefined;
  proxyToken: string | undefined;
  adminToken: string | undefined;
  /** `undefined` when not given: the ledger's rates stand. */
  humanHourlyRate: number | undefined;
  /** `undefined`: not configured (the ledger's `human-baseline-cpr`, else each window's human-only CPR). */
  humanBaselineCprUsd: number | undefined;
  maxBodyBytes: number;
  upstreamTimeoutMs: number;
  otel: boolean;
  logLevel: LogLevel;
  shutdownGraceMs: number;
  busyTimeoutMs: number;
  maxBodyMemoryBytes: number;
  bodyTimeoutMs: number;
  helpdesks: string | undefined;
}

type Env = Record<string, string | undefined>;

function pick<T>(option: T | undefined, env: string | undefined, fallback: T): T | string {
  if (option !== undefined && option !== '') return option;
  if (env !== undefined && env !== '') return env;
  return fallback;
}

function number(value: unknown, name: string, env: string, { min, integer }: { min: number; integer?: boolean }): number {
  const parsed = typeof value === 'number' ? value : Number(value);
  if (!Number.isFinite(parsed) || parsed < min || (integer && !Number.isInteger(parsed))) {
    throw new ConfigError(`--${name} (${env}) must be ${integer ? 'an integer' : 'a number'} ≥ ${min}; got ${String(value)}.`, { option: name });
  }
  return parsed;
}

/** A number within `limits`, or `undefined` when not set. */
function optionalNumber(value: unknown, name: string, env: string, limits: { min: number }): number | undefined {
  return value === undefined ? undefined : number(value, name, env, limits);
}

function url(value: string, name: string, env: string): string {
  let parsed: URL;
  try {
    parsed = new URL(value);
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new Error('not http(s)');
  } catch {
    throw new ConfigError(`--${name} (${env}) must be an http(s) URL; got ${value}.`, { option: name });
  }
  // The URL is logged and named in error answers: credentials in it would leak (and are not echoed here).
  if (parsed.username !== '' || parsed.password !== '') {
    throw new ConfigError(`--${name} (${env}) must not hold credentials (user:password@): set CPR_UPSTREAM_API_KEY instead.`, { option: name });
  }
  return value.replace(/\/+$/, '');
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1|\[::1\])$/;

/** True for loopback interface names and addresses. */
export function isLoopback(host: string): boolean {
  return LOOPBACK.test(host);
}

/**
 * Resolves serve options: option, then environment variable, then default. Fails at once, with
 * what to set, on an invalid value or an unsafe combination.
 */
export function resolveServeConfig(options: ServeOptions = {}, env: Env = process.env): ServeConfig {
  const config: ServeConfig = {
    port: number(pick(options.port, env.CPR_PORT, 8787), 'port', 'CPR_PORT', { min: 0, integer: true }),
    host: String(pick(options.host, env.CPR_HOST, '127.0.0.1')),
    db: String(pick(options.db, env.CPR_DB, './cpr-meter.db')),
    dbPoolSize: number(pick(options.dbPoolSize, env.CPR_DB_POOL_SIZE, 10), 'db-pool-size', 'CPR_DB_POOL_SIZE', { min: 1, integer: true }),
    commitWaitMs: number(pick(options.commitWaitMs, env.CPR_COMMIT_WAIT_MS, 500), 'commit-wait-ms', 'CPR_COMMIT_WAIT_MS', { min: 0, integer: true }),
    upstream: url(String(pick(options.upstream, env.CPR_UPSTREAM_URL, 'https://api.openai.com/v1')), 'upstream', 'CPR_UPSTREAM_URL'),
    anthropicUpstream: url(
      String(pick(options.anthropicUpstream, env.CPR_ANTHROPIC_UPSTREAM_URL, 'https://api.anthropic.com')),
      'anthropic-upstream', 'CPR_ANTHROPIC_UPSTREAM_URL',
    ),
    upstreamProvider: null,
    anthropicUpstreamProvider: null,
    prices: (pick(options.prices, env.CPR_PRICES, undefined) as string | undefined) ?? undefined,
    upstreamApiKey: (pick(options.upstreamApiKey, env.CPR_UPSTREAM_API_KEY, undefined) as string | undefined) ?? undefined,
    proxyToken: (pick(options.proxyToken, env.CPR_PROXY_TOKEN, undefined) as string | undefined) ?? undefined,
    adminToken: (pick(options.adminToken, env.CPR_ADMIN_TOKEN, undefined) as string | undefined) ?? undefined,
    humanHourlyRate: optionalNumber(pick(options.humanHourlyRate, env.CPR_HUMAN_HOURLY_RATE, undefined), 'human-hourly-rate', 'CPR_HUMAN_HOURLY_RATE', { min: 0 }),
    humanBaselineCprUsd: optionalNumber(pick(options.humanBaselineCpr, env.CPR_HUMAN_BASELINE_CPR, undefined), 'human-baseline-cpr', 'CPR_HUMAN_BASELINE_CPR', { min: 0 }),
    maxBodyBytes: number(pick(options.maxBodyBytes, env.CPR_MAX_BODY_BYTES, 32 * 1024 * 1024), 'max-body-bytes', 'CPR_MAX_BODY_BYTES', { min: 1, integer: true }),
    upstreamTimeoutMs: number(pick(options.upstreamTimeoutMs, env.CPR_UPSTREAM_TIMEOUT_MS, 600_000), 'upstream-timeout-ms', 'CPR_UPSTREAM_TIMEOUT_MS', { min: 1, integer: true }),
    otel: options.otel ?? ['1', 'true', 'yes'].includes((env.CPR_OTEL ?? '').toLowerCase()),
    logLevel: (pick(options.logLevel, env.CPR_LOG_LEVEL, 'info') as LogLevel),
    shutdownGraceMs: number(pick(options.shutdownGraceMs, env.CPR_SHUTDOWN_GRACE_MS, 10_000), 'shutdown-grace-ms', 'CPR_SHUTDOWN_GRACE_MS', { min: 0, integer: true }),
    busyTimeoutMs: number(pick(options.busyTimeoutMs, env.CPR_BUSY_TIMEOUT_MS, 100), 'busy-timeout-ms', 'CPR_BUSY_TIMEOUT_MS', { min: 0, integer: true }),
    maxBodyMemoryBytes: number(pick(options.maxBodyMemoryBytes, env.CPR_MAX_BODY_MEMORY_BYTES, 256 * 1024 * 1024),
      'max-body-memory-bytes', 'CPR_MAX_BODY_MEMORY_BYTES', { min: 1, integer: true }),
    bodyTimeoutMs: number(pick(options.bodyTimeoutMs, env.CPR_BODY_TIMEOUT_MS, 10_000), 'body-timeout-ms', 'CPR_BODY_TIMEOUT_MS', { min: 1, integer: true }),
    helpdesks: (pick(options.helpdesks, env.CPR_HELPDESKS, undefined) as string | undefined) ?? undefined,
  };
  const explicitProvider = pick(options.upstreamProvider, env.CPR_UPSTREAM_PROVIDER, undefined) as string | undefined;
  if (explicitProvider !== undefined && !PROVIDER_ID.test(explicitProvider)) {
    throw new ConfigError(
      `--upstream-provider (CPR_UPSTREAM_PROVIDER) must be a provider id such as openai, groq, openrouter or x-ai (lowercase letters, digits, . _ -); got ${explicitProvider}.`,
      { option: 'upstream-provider' },
    );
  }
  config.upstreamProvider = upstreamProviderOf({ url: config.upstream, explicit: explicitProvider });
  config.anthropicUpstreamProvider = upstreamProviderOf({ url: config.anthropicUpstream });
  if (!['debug', 'info', 'warn', 'error'].includes(config.logLevel)) {
    throw new ConfigError(`--log-level (CPR_LOG_LEVEL) must be debug, info, warn or error; got ${config.logLevel}.`, { option: 'log-level' });
  }
  if (!isLoopback(config.host) && config.adminToken === undefined) {
    throw new ConfigError(
      `Refusing to listen on ${config.host} without an admin token: set --admin-token (CPR_ADMIN_TOKEN), or listen on 127.0.0.1.`,
      { option: 'admin-token' },
    );
  }
  if (config.upstreamApiKey !== undefined && config.proxyToken === undefined) {
    throw new ConfigError(
      'CPR_UPSTREAM_API_KEY is set, so the proxy would spend your account for anyone who reaches it: set CPR_PROXY_TOKEN (--proxy-token), the key clients must present.',
      { option: 'proxy-token' },
    );
  }
  return config;
}

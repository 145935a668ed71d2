import type { Logger } from '../logging/logger.js';

/** What `/healthz` says of one upstream. */
export interface UpstreamStatus {
  /** `unknown` until the first proxied call; `ok` once it answered; `unreachable` since a call could not reach it. */
  state: 'unknown' | 'ok' | 'unreachable';
  /** ISO time of the change to this state; `null` while `unknown`. */
  since: string | null;
  /** The code of the last failure to reach it (`upstream_unreachable`, `upstream_timeout`), kept after a recovery. */
  lastError: string | null;
  /** Calls that could not reach it since it became unreachable. */
  failures: number;
  /** The base URL calls go to. */
  url: string;
}

/**
 * The state of each upstream as the proxied calls find it (no probe of its own: an idle proxy
 * costs the upstream nothing). It logs each change once: a `warn` when an upstream becomes
 * unreachable, or fails in another way while it is, and an `info` when it answers again; a
 * thousand calls to a dead upstream make one log line, not a thousand.
 */
export class UpstreamHealth {
  readonly #states: Map<string, UpstreamStatus>;
  readonly #logger: Logger;
  readonly #now: () => number;

  /** `urls`: each upstream's base URL, by its name (`openai`, `anthropic`, `groq`...). */
  constructor({ urls, logger, now = Date.now }: { urls: Record<string, string>; logger: Logger; now?: () => number }) {
    const initial = (url: string): UpstreamStatus => ({ state: 'unknown', since: null, lastError: null, failures: 0, url });
    this.#states = new Map(Object.entries(urls).map(([name, url]) => [name, initial(url)]));
    this.#logger = logger;
    this.#now = now;
  }

  /** The upstream answered (any status: a 4xx or 5xx is an answer). */
  reached(upstream: string): void {
    const status = this.#states.get(upstream);
    if (status === undefined || status.state === 'ok') return;
    if (status.state === 'unreachable') {
      this.#logger.info('upstream reachable again', { upstream, url: status.url, unreachableSince: status.since, failures: status.failures });
    }
    this.#states.set(upstream, { ...status, state: 'ok', since: new Date(this.#now()).toISOString(), failures: 0 });
  }

  /** A call could not reach the upstream (`code`: `upstream_unreachable`, `upstream_timeout`). */
  failed(upstream: string, { code, message }: { code: string; message: string }): void {
    const status = this.#states.get(upstream);
    if (status === undefined) return;
    const changed = status.state !== 'unreachable' || status.lastError !== code;
    this.#states.set(upstream, {
      ...status,
      state: 'unreachable',
      since: status.state === 'unreachable' ? status.since : new Date(this.#now()).toISOString(),
      lastError: code,
      failures: status.failures + 1,
    });
    if (changed) this.#logger.warn('upstream unreachable', { upstream, url: status.url, code, error: message });
  }

  /** Whether any upstream is `unreachable` now. */
  anyUnreachable(): boolean {
    for (const status of this.#states.values()) if (status.state === 'unreachable') return true;
    return false;
  }

  /** Every upstream's state by its name, for `/healthz`. */
  snapshot(): Record<string, UpstreamStatus> {
    return Object.fromEntries([...this.#states].map(([name, status]) => [name, { ...status }]));
  }
}

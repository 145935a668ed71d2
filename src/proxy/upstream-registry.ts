import { ANTHROPIC_UPSTREAM_NAME, type UpstreamConfig } from '../config/upstream-list.js';
import { ValidationError } from '../errors.js';
import type { ProxyRoute } from './routes.js';

/** One upstream as the proxy uses it. */
export interface ProxyUpstream {
  name: string;
  /** The URL `/v1/...` paths are appended to (after `/v1`): the configured URL, or Anthropic's with `/v1`. */
  v1Base: string;
  /** The URL Gemini's and Azure's own paths are appended to (whole): the configured URL without its API path. */
  root: string;
  /** The company whose API it is; `null` when unknown. */
  provider: string | null;
  apiKey: string | undefined;
}

/** The header that picks an upstream by name, as `/u/{name}` does; consumed, never forwarded. */
export const UPSTREAM_HEADER = 'x-cpr-upstream';

// The API paths an upstream URL may end with, longest first: a Gemini, Vertex AI or Azure
// request's own path (`/v1beta/models/...`, `/v1/projects/...`, `/openai/deployments/...`) replaces them.
const API_PATHS = ['/v1beta/openai', '/v1/openai', '/openai/v1', '/v1beta1', '/v1beta', '/openai', '/v1'];

/** The URL without a trailing API path: `https://generativelanguage.googleapis.com/v1beta/openai` → `https://generativelanguage.googleapis.com`. */
export function upstreamRoot(url: string): string {
  const trimmed = url.replace(/\/+$/, '');
  const suffix = API_PATHS.find((path) => trimmed.endsWith(path));
  return suffix === undefined ? trimmed : trimmed.slice(0, -suffix.length);
}

/**
 * The proxy's upstreams by name, and which one a request goes to: the one its path
 * (`/u/{name}`) or its `x-cpr-upstream` header names; else, by what the request is, Anthropic's
 * Messages to the Anthropic upstream, Gemini's own paths to the first upstream whose provider is
 * `google` (Vertex AI's hosts excepted), Vertex AI's paths to the first Vertex AI upstream
 * ({@link isVertexUpstream}), Azure's to the first whose provider is `azure`, and anything else
 * (or when none matches) to the first upstream.
 */
export class UpstreamRegistry {
  readonly #byName = new Map<string, ProxyUpstream>();
  readonly #first: ProxyUpstream;
  readonly #anthropic: ProxyUpstream;

  constructor({ upstreams, anthropic }: { upstreams: readonly UpstreamConfig[]; anthropic: { url: string; provider: string | null; apiKey: string | undefined } }) {
    for (const u of upstreams) this.#byName.set(u.name, { name: u.name, v1Base: u.url, root: upstreamRoot(u.url), provider: u.provider, apiKey: u.apiKey });
    const anthropicUrl = anthropic.url.replace(/\/+$/, '');
    this.#anthropic = { name: ANTHROPIC_UPSTREAM_NAME, v1Base: `${anthropicUrl}/v1`, root: anthropicUrl, provider: anthropic.provider, apiKey: anthropic.apiKey };
    this.#byName.set(ANTHROPIC_UPSTREAM_NAME, this.#anthropic);
    this.#first = this.#byName.get(upstreams[0]!.name)!;
  }

  /** Every upstream's base URL by name (the first first, Anthropic's last), for `/healthz`. */
  urls(): Record<string, string> {
    const urls: Record<string, string> = {};
    for (const [name, u] of this.#byName) if (name !== ANTHROPIC_UPSTREAM_NAME) urls[name] = u.v1Base;
    urls[ANTHROPIC_UPSTREAM_NAME] = this.#anthropic.root;
    return urls;
  }

  /**
   * The upstream `route` goes to. Throws a 400 naming the known upstreams when the name is not
   * one, or when the path and the header name two different ones.
   */
  select(route: ProxyRoute, header: unknown): ProxyUpstream {
    const fromHeader = typeof header === 'string' && header !== '' ? header.trim() : null;
    if (route.upstreamName !== null && fromHeader !== null && fromHeader !== route.upstreamName) {
      throw new ValidationError(`The path names the upstream ${route.upstreamName} and ${UPSTREAM_HEADER} names ${fromHeader}: name one.`, { field: UPSTREAM_HEADER });
    }
    const name = route.upstreamName ?? fromHeader;
    if (name !== null) {
      const named = this.#byName.get(name);
      if (named) return named;
      throw new ValidationError(`No upstream is named ${name}; the known ones are ${[...this.#byName.keys()].join(', ')}.`, {
        field: route.upstreamName !== null ? 'path' : UPSTREAM_HEADER,
      });
    }
    if (route.api === 'v1') return route.provider === 'anthropic' ? this.#anthropic : this.#first;
    for (const u of this.#byName.values()) if (serves(u, route.api)) return u;
    return this.#first;
  }
}

/** Vertex AI's hosts: `aiplatform.googleapis.com` and its regional `{location}-aiplatform.googleapis.com`. */
const VERTEX_HOST = /^(?:[a-z0-9-]+-)?aiplatform\.googleapis\.com$/;

/** Whether an upstream is Vertex AI: its provider says so (`@google-vertex`), or its host (which genai-prices matches as `google`). */
export function isVertexUpstream(upstream: Pick<ProxyUpstream, 'provider' | 'root'>): boolean {
  if (upstream.provider === 'google-vertex') return true;
  try {
    return VERTEX_HOST.test(new URL(upstream.root).hostname);
  } catch {
    return false;
  }
}

/** Whether an upstream is the default of a path family: Google's Gemini API, Vertex AI, Azure. */
function serves(upstream: ProxyUpstream, api: Exclude<ProxyRoute['api'], 'v1'>): boolean {
  if (api === 'azure') return upstream.provider === 'azure';
  const vertex = isVertexUpstream(upstream);
  return api === 'vertex' ? vertex : upstream.provider === 'google' && !vertex;
}

/**
 * The company a proxied call is recorded as served by: the upstream's, but a Vertex AI path is
 * `google-vertex` when the upstream names no other (genai-prices matches Vertex's hosts as `google`,
 * and prices `google-vertex` at Google's prices).
 */
export function servingProvider(upstream: ProxyUpstream, route: ProxyRoute): string | null {
  if (route.api !== 'vertex') return upstream.provider;
  return upstream.provider === null || upstream.provider === 'google' ? 'google-vertex' : upstream.provider;
}

/** Where `route` goes at `upstream`: `/v1` paths after its `/v1` base, Gemini's, Vertex AI's and Azure's own paths after its root. */
export function targetUrl(upstream: ProxyUpstream, route: ProxyRoute): string {
  return route.api === 'v1' ? upstream.v1Base + route.subpath : upstream.root + route.subpath;
}
